using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Resources;

/// <summary>The shared-resource registry (资源清单): register, edit, withdraw; the catalogue everyone in scope searches is <see cref="ResourceCatalogue"/>.</summary>
public static class ResourcesApi
{
    public static readonly BilingualText Thing = new("共享资源", "resource");

    public const int PageSize = 20;

    public static IEndpointRouteBuilder MapResourcesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/resources").WithTags("Resources").RequireAuthorization();
        api.MapGet("/", List).WithName("SearchResources")
            .WithSummary("The catalogue of shared venues and resources in the caller's scope: text, kind, category, street, alliance, owner, free in a slot; paged / 共享资源目录检索");
        api.MapGet("/{id:guid}", Get).WithName("GetResource").WithSummary("One shared resource with its opening hours and exceptions / 共享资源详情");
        api.MapPost("/", Create).WithName("RegisterResource").WithSummary("Register a venue or resource the owner shares (owner or its administrators) / 登记共享资源");
        api.MapPut("/{id:guid}", Update).WithName("UpdateResource").WithSummary("Edit a shared resource (owner or its administrators) / 修改共享资源");
        api.MapPost("/{id:guid}/withdraw", Withdraw).WithName("WithdrawResource")
            .WithSummary("Take a resource out of the catalogue; the record and its bookings stay / 撤下共享资源（不删除）");
        return app;
    }

    public sealed record ResourceResponse(
        ResourceId Id, OrganisationId OwnerId, string OwnerName, AllianceId AllianceId, OrganisationId StreetId, ResourceKind Kind, VenueType? VenueType,
        string Name, string Description, IReadOnlyList<string> Categories, int Capacity, bool Exclusive, bool RequiresApproval, int SlotMinutes,
        IReadOnlyList<OpeningPeriod> OpeningHours, IReadOnlyList<SpecialDate> Exceptions, IReadOnlyList<string> SuitableGroups, string Address,
        string? Contact, ResourceStatus Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
    {
        public static ResourceResponse From(Resource r, string ownerName) =>
            new(r.Id, r.OwnerId, ownerName, r.AllianceId, r.StreetId, r.Kind, r.VenueType, r.Name, r.Description, [.. r.Categories], r.Capacity, r.Exclusive,
                r.RequiresApproval, r.SlotMinutes, [.. r.OpeningHours], [.. r.Exceptions], [.. r.SuitableGroups], r.Address, r.Contact, r.Status, r.CreatedAt,
                r.UpdatedAt);
    }

    public sealed record ResourcePage(int Page, int PageSize, int Total, IReadOnlyList<ResourceResponse> Items);

    public sealed record RegisterResourceRequest(
        OrganisationId? OwnerId, AllianceId? AllianceId, string? Kind, string? VenueType, string? Name, string? Description, List<string>? Categories,
        int? Capacity, bool? Exclusive, bool? RequiresApproval, int? SlotMinutes, List<OpeningPeriod>? OpeningHours, List<SpecialDate>? Exceptions,
        List<string>? SuitableGroups, string? Address, string? Contact);

    public sealed record WithdrawResourceRequest(string? Reason);

    public static async Task<Ok<ResourcePage>> List(
        AccessScope scope, AllianceDbContext db, string? q, string? kind, string? category, OrganisationId? street, AllianceId? alliance,
        OrganisationId? owner, DateTimeOffset? availableFrom, DateTimeOffset? availableTo, string? status, int? page, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ResourceCatalogue.SearchAsync(
            scope, db, new(q, kind, category, street, alliance, owner, availableFrom, availableTo, status, page), cancellationToken));

    public static async Task<Ok<ResourceResponse>> Get(Guid id, AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ResourceCatalogue.GetAsync(scope, db, new ResourceId(id), cancellationToken));

    public static async Task<Created<ResourceResponse>> Create(
        RegisterResourceRequest request, AccessScope scope, ResourceOperations resources, CancellationToken cancellationToken)
    {
        var response = await resources.RegisterAsync(scope, request, cancellationToken);
        return TypedResults.Created($"/api/resources/{response.Id}", response);
    }

    public static async Task<Ok<ResourceResponse>> Update(
        Guid id, RegisterResourceRequest request, AccessScope scope, ResourceOperations resources, CancellationToken cancellationToken) =>
        TypedResults.Ok(await resources.UpdateAsync(scope, new ResourceId(id), request, cancellationToken));

    public static async Task<Ok<ResourceResponse>> Withdraw(
        Guid id, WithdrawResourceRequest request, AccessScope scope, ResourceOperations resources, CancellationToken cancellationToken) =>
        TypedResults.Ok(await resources.WithdrawAsync(scope, new ResourceId(id), request, cancellationToken));

    /// <summary>
    /// Resources the caller can see: those of an organisation they can see (the owner, its community, street, the
    /// district) and those shared through an alliance they can see (its host and members).
    /// </summary>
    public static IQueryable<Resource> Visible(AllianceDbContext db, AccessScope scope)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(scope);
        var organisations = scope.VisibleOrganisationIds.Union(scope.ActingOrganisationIds).ToList();
        var alliances = scope.VisibleAllianceIds.ToList();
        return db.Set<Resource>().AsNoTracking().Where(r => organisations.Contains(r.OwnerId) || alliances.Contains(r.AllianceId));
    }

    /// <summary>The resource, or 404 when it does not exist or the caller cannot see it (docs/adr/0003).</summary>
    public static async Task<Resource> FindVisibleAsync(AllianceDbContext db, AccessScope scope, ResourceId id, CancellationToken cancellationToken, bool tracked = false)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(scope);
        var query = tracked ? db.Set<Resource>() : db.Set<Resource>().AsNoTracking();
        var resource = await query.SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        return resource is not null && CanSee(scope, resource) ? resource : throw new NotFoundProblem(Thing);
    }

    public static bool CanSee(AccessScope scope, Resource resource)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(resource);
        return scope.CanSeeOrganisation(resource.OwnerId) || scope.CanActFor(resource.OwnerId) || scope.CanSeeAlliance(resource.AllianceId);
    }

    /// <summary>The owner's people and whoever administers the owner may manage a resource.</summary>
    public static bool CanManage(AccessScope scope, OrganisationId owner)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return scope.CanActFor(owner) || scope.CanAdministerOrganisation(owner);
    }

    /// <summary>Throws 403 unless the caller may manage resources of <paramref name="owner"/> (call after the visibility check).</summary>
    public static void DemandManage(AccessScope scope, OrganisationId owner)
    {
        if (!CanManage(scope, owner))
        {
            throw new ForbiddenProblem("resource.not-owner", new("您可以查看该资源，但只有其所属单位或其上级管理员可以管理它。",
                "You can see this resource, but only its owner or the owner's administrators may manage it."));
        }
    }

    public static OrganisationId? OnBehalfOf(AccessScope scope, OrganisationId owner)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return scope.CanActFor(owner) ? owner : scope.AdministeringOrganisationFor(owner);
    }

    public static async Task<ResourceResponse> ResponseAsync(AllianceDbContext db, Resource resource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(resource);
        var names = await ResourceCatalogue.OwnerNamesAsync(db, [resource.OwnerId], cancellationToken);
        return ResourceResponse.From(resource, names[resource.OwnerId]);
    }

    /// <summary>Parses a resource kind as the API spells it (venue, material, equipment, expertise, healthService, fund).</summary>
    public static ResourceKind? ParseKind(FieldErrors errors, string field, string? text, bool required)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(text))
        {
            if (required)
            {
                errors.Add(field, "请选择资源类型。", "The kind is required.");
            }

            return null;
        }

        if (TryParse<ResourceKind>(text, out var kind))
        {
            return kind;
        }

        errors.Add(field, "资源类型须为 venue（场地）、material（物资）、equipment（设备）、expertise（人才）、healthService（健康医疗）或 fund（资金）。",
            "The kind must be venue, material, equipment, expertise, healthService or fund.");
        return null;
    }

    internal static bool TryParse<T>(string text, out T value)
        where T : struct, Enum =>
        Enum.TryParse(text.Trim(), ignoreCase: true, out value) && Enum.IsDefined(value) && !int.TryParse(text, out _);
}
