using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Audit;
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
        RegisterResourceRequest request, AccessScope scope, AllianceDbContext db, AuditTrail audit, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        Organisation? owner = null;
        if (request.OwnerId is not { } ownerId)
        {
            errors.Add("ownerId", "请选择资源所属单位或社区。", "The owner (a unit or a community) is required.");
        }
        else
        {
            owner = scope.CanSeeOrganisation(ownerId) || scope.CanActFor(ownerId)
                ? await db.Organisations.AsNoTracking().SingleOrDefaultAsync(x => x.Id == ownerId, cancellationToken)
                : null;
            if (owner is null || owner.Kind is not (OrganisationKind.Unit or OrganisationKind.Community) || owner.Status != OrganisationStatus.Active)
            {
                errors.Unknown("ownerId", new("所属单位或社区", "owner unit or community"));
                owner = null;
            }
        }

        var validated = Validate(errors, request);
        AllianceId? allianceId = null;
        if (owner is not null)
        {
            allianceId = await SharingAllianceAsync(db, errors, owner, request.AllianceId, cancellationToken);
            await CheckCategoriesAsync(db, errors, allianceId, validated, cancellationToken);
        }

        errors.ThrowIfAny();
        DemandManage(scope, owner!.Id);
        var now = time.GetUtcNow();
        var resource = new Resource
        {
            Id = ResourceId.New(),
            OwnerId = owner.Id,
            AllianceId = allianceId!.Value,
            StreetId = await StreetOfAsync(db, owner, cancellationToken),
            Name = request.Name!.Trim(),
            Description = request.Description!.Trim(),
            Address = request.Address?.Trim() is { Length: > 0 } address ? address : owner.Address ?? "",
            Status = ResourceStatus.Active,
            CreatedAt = now,
            UpdatedAt = now,
        };
        Apply(resource, request, validated);
        if (string.IsNullOrEmpty(resource.Address))
        {
            throw Alliance.Server.Infrastructure.Problems.ValidationProblem.For("address", "请填写地址。", "The address is required.");
        }

        db.Add(resource);
        var response = ResourceResponse.From(resource, owner.Name);
        await audit.SaveAsync(new("resource.registered", "resource", resource.Id.ToString(), OnBehalfOf(scope, owner.Id), null, response), cancellationToken);
        return TypedResults.Created($"/api/resources/{resource.Id}", response);
    }

    public static async Task<Ok<ResourceResponse>> Update(
        Guid id, RegisterResourceRequest request, AccessScope scope, AllianceDbContext db, AuditTrail audit, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var resource = await FindVisibleAsync(db, scope, new ResourceId(id), cancellationToken, tracked: true);
        DemandManage(scope, resource.OwnerId);
        if (resource.Status == ResourceStatus.Withdrawn)
        {
            throw new ConflictProblem("resource.withdrawn", new("该资源已撤下，不能修改。", "The resource is withdrawn and cannot be edited."));
        }

        var errors = new FieldErrors();
        if (request.OwnerId is { } ownerId && ownerId != resource.OwnerId)
        {
            errors.Add("ownerId", "资源的所属单位不能更改。", "The owner of a resource cannot be changed.");
        }

        var validated = Validate(errors, request);
        var owner = await db.Organisations.AsNoTracking().SingleAsync(o => o.Id == resource.OwnerId, cancellationToken);
        var allianceId = await SharingAllianceAsync(db, errors, owner, request.AllianceId ?? resource.AllianceId, cancellationToken);
        await CheckCategoriesAsync(db, errors, allianceId, validated, cancellationToken);
        errors.ThrowIfAny();
        var before = ResourceResponse.From(resource, owner.Name);
        resource.Name = request.Name!.Trim();
        resource.Description = request.Description!.Trim();
        resource.AllianceId = allianceId!.Value;
        if (request.Address?.Trim() is { Length: > 0 } address)
        {
            resource.Address = address;
        }

        Apply(resource, request, validated);
        resource.UpdatedAt = time.GetUtcNow();
        resource.Revision++;
        var after = ResourceResponse.From(resource, owner.Name);
        await SaveAsync(audit, new("resource.updated", "resource", resource.Id.ToString(), OnBehalfOf(scope, resource.OwnerId), before, after), cancellationToken);
        return TypedResults.Ok(after);
    }

    public static async Task<Ok<ResourceResponse>> Withdraw(
        Guid id, WithdrawResourceRequest request, AccessScope scope, AllianceDbContext db, AuditTrail audit, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var resource = await FindVisibleAsync(db, scope, new ResourceId(id), cancellationToken, tracked: true);
        DemandManage(scope, resource.OwnerId);
        if (resource.Status == ResourceStatus.Withdrawn)
        {
            throw new ConflictProblem("resource.withdrawn", new("该资源已撤下。", "The resource is already withdrawn."));
        }

        new FieldErrors().Text("reason", request.Reason, new("撤下原因", "reason"), 500).ThrowIfAny();
        var before = await ResponseAsync(db, resource, cancellationToken);
        resource.Status = ResourceStatus.Withdrawn;
        resource.UpdatedAt = time.GetUtcNow();
        resource.Revision++;
        var after = await ResponseAsync(db, resource, cancellationToken);
        await SaveAsync(audit, new("resource.withdrawn", "resource", resource.Id.ToString(), OnBehalfOf(scope, resource.OwnerId), before,
            new { after, reason = request.Reason!.Trim() }), cancellationToken);
        return TypedResults.Ok(after);
    }

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

    private sealed record Validated(ResourceKind Kind, VenueType? VenueType, List<string> Categories, List<string> Groups);

    private static Validated Validate(FieldErrors errors, RegisterResourceRequest request)
    {
        var kind = ParseKind(errors, "kind", request.Kind, required: true);
        VenueType? venueType = null;
        if (!string.IsNullOrWhiteSpace(request.VenueType))
        {
            if (TryParse<VenueType>(request.VenueType, out var parsed))
            {
                venueType = parsed;
            }
            else
            {
                errors.Add("venueType", "场地类型须为 activityRoom（活动室）、hall（礼堂）、sharedPartyHome（党建共享之家）、openOrganisationalLifeBase（开放式组织生活基地）或 other。",
                    "The venue type must be activityRoom, hall, sharedPartyHome, openOrganisationalLifeBase or other.");
            }
        }

        if (kind is { } k && k != ResourceKind.Venue && venueType is not null)
        {
            errors.Add("venueType", "只有场地有场地类型。", "Only a venue has a venue type.");
        }
        else if (kind == ResourceKind.Venue && venueType is null && !errors.Has("venueType"))
        {
            errors.Add("venueType", "请选择场地类型。", "The venue type is required for a venue.");
        }

        errors.Text("name", request.Name, new("名称", "name"), 200);
        errors.Text("description", request.Description, new("介绍", "description"), 4000);
        errors.Text("address", request.Address, new("地址", "address"), 300, required: false);
        errors.Text("contact", request.Contact, new("联系人", "contact"), 200, required: false);
        var categories = Clean(request.Categories);
        if (categories.Count == 0)
        {
            errors.Add("categories", "请至少选择一个服务类别（如 养老、医疗、教育、文体、场地）。", "At least one service category is required (e.g. 养老, 医疗, 教育, 文体, 场地).");
        }
        else if (categories.Count > 20 || categories.Exists(c => c.Length > 20))
        {
            errors.Add("categories", "服务类别最多 20 个，每个 1 到 20 个字符。", "At most 20 service categories, each 1 to 20 characters.");
        }

        var groups = Clean(request.SuitableGroups);
        if (groups.Count > 20 || groups.Exists(c => c.Length > 30))
        {
            errors.Add("suitableGroups", "适用人群最多 20 个，每个 1 到 30 个字符。", "At most 20 suitable groups, each 1 to 30 characters.");
        }

        if (request.Capacity is not { } capacity)
        {
            errors.Add("capacity", "请填写容量（人数或数量）。", "The capacity (people or quantity) is required.");
        }
        else if (capacity is < 1 or > 100_000)
        {
            errors.Add("capacity", "容量须在 1 到 100000 之间。", "The capacity must be between 1 and 100000.");
        }

        if (request.Exclusive is null)
        {
            errors.Add("exclusive", "请说明是否独占使用（同一时段只接受一个预约）。", "Say whether the resource is exclusive (one booking at a time).");
        }

        OpeningSchedule.Validate(errors, request.SlotMinutes ?? 30, request.OpeningHours, request.Exceptions);
        return new(kind ?? default, venueType, categories, groups);
    }

    /// <summary>The categories come from the sharing alliance's list (its rules of procedure).</summary>
    private static async Task CheckCategoriesAsync(AllianceDbContext db, FieldErrors errors, AllianceId? allianceId, Validated validated, CancellationToken cancellationToken)
    {
        if (allianceId is { } id && await db.Alliances.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, cancellationToken) is { } alliance)
        {
            CategoryVocabulary.CheckAll(errors, "categories", validated.Categories, alliance.Rules.Categories);
        }
    }

    private static void Apply(Resource resource, RegisterResourceRequest request, Validated validated)
    {
        resource.Kind = validated.Kind;
        resource.VenueType = validated.VenueType;
        resource.Categories = validated.Categories;
        resource.SuitableGroups = validated.Groups;
        resource.Capacity = request.Capacity!.Value;
        resource.Exclusive = request.Exclusive!.Value;
        resource.RequiresApproval = request.RequiresApproval ?? true;
        resource.SlotMinutes = request.SlotMinutes ?? 30;
        resource.OpeningHours = [.. request.OpeningHours!.OrderBy(p => p.Day).ThenBy(p => p.From)];
        resource.Exceptions = [.. (request.Exceptions ?? []).OrderBy(e => e.Date).Select(e => e with { Note = e.Note?.Trim() })];
        resource.Contact = string.IsNullOrWhiteSpace(request.Contact) ? null : request.Contact.Trim();
    }

    /// <summary>The alliance a resource is shared through: the one asked for (the owner must host it or be an active member), else the owner's community alliance.</summary>
    private static async Task<AllianceId?> SharingAllianceAsync(
        AllianceDbContext db, FieldErrors errors, Organisation owner, AllianceId? requested, CancellationToken cancellationToken)
    {
        var hosted = await db.Alliances.AsNoTracking().Where(a => a.HostOrganisationId == owner.Id && a.Status == AllianceStatus.Active)
            .Select(a => a.Id).ToListAsync(cancellationToken);
        var memberOf = await db.AllianceMemberships.AsNoTracking()
            .Where(m => m.OrganisationId == owner.Id && m.Status == MembershipStatus.Active)
            .Join(db.Alliances.Where(a => a.Status == AllianceStatus.Active), m => m.AllianceId, a => a.Id, (m, a) => new { a.Id, a.HostOrganisationId, a.Level })
            .ToListAsync(cancellationToken);
        if (requested is { } wanted)
        {
            if (hosted.Contains(wanted) || memberOf.Exists(m => m.Id == wanted))
            {
                return wanted;
            }

            errors.Add("allianceId", "所选联盟不存在，或资源所属单位不是它的主办方或成员。", "The alliance does not exist, or the owner neither hosts it nor is a member of it.");
            return null;
        }

        var chosen = hosted.Count > 0
            ? hosted[0]
            : (memberOf.Find(m => m.HostOrganisationId == owner.ParentId) ?? memberOf.Find(m => m.Level == AllianceLevel.Community) ?? memberOf.FirstOrDefault())?.Id;
        if (chosen is null)
        {
            errors.Add("allianceId", "资源所属单位尚未加入任何联盟，无法共享资源。", "The owner belongs to no alliance, so it cannot share a resource yet.");
        }

        return chosen;
    }

    private static async Task<OrganisationId> StreetOfAsync(AllianceDbContext db, Organisation owner, CancellationToken cancellationToken)
    {
        var community = owner.Kind == OrganisationKind.Community ? owner.Id : owner.ParentId!.Value;
        return await db.Organisations.AsNoTracking().Where(o => o.Id == community).Select(o => o.ParentId!.Value).SingleAsync(cancellationToken);
    }

    private static async Task SaveAsync(AuditTrail audit, AuditRecord record, CancellationToken cancellationToken)
    {
        try
        {
            await audit.SaveAsync(record, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictProblem("resource.changed", new("该资源刚被他人修改，请刷新后重试。", "The resource was just changed by someone else; reload and try again."));
        }
    }

    private static List<string> Clean(List<string>? values) =>
        values is null ? [] : [.. values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()).Distinct(StringComparer.Ordinal)];
}
