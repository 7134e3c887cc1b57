using Alliance.Server.Features.Access;
using Alliance.Server.Features.Audit;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Alliance.Server.Features.Organisations;

public static class OrganisationsApi
{
    public static readonly BilingualText Thing = new("组织", "organisation");

    public static IEndpointRouteBuilder MapOrganisationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/organisations").WithTags("Organisations").RequireAuthorization();
        api.MapGet("/", List)
            .WithName("ListOrganisations")
            .WithSummary("Organisations the caller can see / 可见的组织");
        api.MapGet("/{id}", Get)
            .WithName("GetOrganisation")
            .WithSummary("One organisation / 组织详情");
        api.MapPost("/", Create)
            .WithName("CreateOrganisation")
            .WithSummary("Add a street, community or co-building unit under its parent / 新增街道、社区或共建单位");
        api.MapPut("/{id}", Update)
            .WithName("UpdateOrganisation")
            .WithSummary("Change an organisation's name, unit type, service categories or address / 修改组织信息");
        api.MapPost("/{id}/withdraw", Withdraw)
            .WithName("WithdrawOrganisation")
            .WithSummary("Mark an organisation as withdrawn (nothing is deleted) / 组织退出（不删除）");
        return app;
    }

    public sealed record OrganisationResponse(
        OrganisationId Id, OrganisationKind Kind, string Name, OrganisationId? ParentId, UnitType? UnitType,
        IReadOnlyList<string> ServiceCategories, string? Address, OrganisationStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? WithdrawnAt)
    {
        public static OrganisationResponse From(Organisation o) =>
            new(o.Id, o.Kind, o.Name, o.ParentId, o.UnitType, [.. o.ServiceCategories], o.Address, o.Status, o.CreatedAt, o.WithdrawnAt);
    }

    public sealed record CreateOrganisationRequest(
        OrganisationKind? Kind, string? Name, OrganisationId? ParentId, UnitType? UnitType, List<string>? ServiceCategories, string? Address);

    public sealed record UpdateOrganisationRequest(string? Name, UnitType? UnitType, List<string>? ServiceCategories, string? Address);

    public sealed record WithdrawRequest(string? Reason);

    public static async Task<Ok<List<OrganisationResponse>>> List(
        AccessScope scope, AllianceDbContext db, OrganisationKind? kind, OrganisationId? parentId, CancellationToken cancellationToken) =>
        TypedResults.Ok(await OrganisationOperations.ListAsync(scope, db, kind, parentId, cancellationToken));

    public static async Task<Ok<OrganisationResponse>> Get(OrganisationId id, AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await OrganisationOperations.GetAsync(id, scope, db, cancellationToken));

    public static async Task<Created<OrganisationResponse>> Create(
        CreateOrganisationRequest request, AccessScope scope, AllianceDbContext db, AuditTrail audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var created = await OrganisationOperations.CreateAsync(request, scope, db, audit, time, cancellationToken);
        return TypedResults.Created($"/api/organisations/{created.Id}", created);
    }

    public static async Task<Ok<OrganisationResponse>> Update(
        OrganisationId id, UpdateOrganisationRequest request, AccessScope scope, AllianceDbContext db, AuditTrail audit, CancellationToken cancellationToken) =>
        TypedResults.Ok(await OrganisationOperations.UpdateAsync(id, request, scope, db, audit, cancellationToken));

    public static async Task<Ok<OrganisationResponse>> Withdraw(
        OrganisationId id, WithdrawRequest? request, AccessScope scope, AllianceDbContext db, AuditTrail audit, TimeProvider time, CancellationToken cancellationToken) =>
        TypedResults.Ok(await OrganisationOperations.WithdrawAsync(id, request, scope, db, audit, time, cancellationToken));
}
