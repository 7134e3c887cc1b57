using Alliance.Server.Features.Access;
using Alliance.Server.Features.Audit;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.Resources;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Alliance.Server.Features.Alliances;

public static class AlliancesApi
{
    public static readonly BilingualText Thing = new("联盟", "alliance");

    public static readonly BilingualText MembershipThing = new("成员单位", "membership");

    public static IEndpointRouteBuilder MapAlliancesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/alliances").WithTags("Alliances").RequireAuthorization();
        api.MapGet("/", List).WithName("ListAlliances").WithSummary("Alliances the caller can see / 可见的联盟");
        api.MapGet("/{id}", Get).WithName("GetAlliance").WithSummary("One alliance with its rules and members / 联盟详情");
        api.MapPost("/", Create).WithName("CreateAlliance").WithSummary("Found a street or community alliance / 新建大党工委或区域化党建联盟");
        api.MapPut("/{id}", Update).WithName("UpdateAlliance").WithSummary("Rename an alliance / 修改联盟名称");
        api.MapGet("/{id}/rules", GetRules).WithName("GetRulesOfProcedure").WithSummary("The alliance's rules of procedure / 议事规则");
        api.MapPut("/{id}/rules", PutRules).WithName("SetRulesOfProcedure").WithSummary("Replace the rules of procedure (omitted settings take the defaults) / 修改议事规则");
        api.MapGet("/{id}/vocabularies", GetVocabularies).WithName("GetVocabularies")
            .WithSummary("The closed lists a client offers: the alliance's categories and the named choices / 类别表与可选值");
        api.MapGet("/{id}/memberships", ListMemberships).WithName("ListMemberships").WithSummary("Members, current and past / 成员单位");
        api.MapPost("/{id}/memberships", AddMembership).WithName("AddMembership").WithSummary("Admit a member / 增加成员单位");
        api.MapPut("/{id}/memberships/{membershipId}", UpdateMembership).WithName("UpdateMembership").WithSummary("Change a member's part-time member or dates / 修改成员信息");
        api.MapPost("/{id}/memberships/{membershipId}/end", EndMembership).WithName("EndMembership").WithSummary("A member leaves (the record stays) / 成员退出");
        return app;
    }

    public sealed record MembershipResponse(
        MembershipId Id, AllianceId AllianceId, OrganisationId OrganisationId, string OrganisationName, Guid? PartTimeMemberId,
        string? PartTimeMemberName, DateOnly Since, DateOnly? Until, MembershipStatus Status);

    public sealed record AllianceResponse(
        AllianceId Id, AllianceLevel Level, string Name, OrganisationId HostOrganisationId, AllianceStatus Status, DateTimeOffset CreatedAt,
        RulesOfProcedure Rules, IReadOnlyList<MembershipResponse>? Members)
    {
        public static AllianceResponse From(PartyAlliance a, IReadOnlyList<MembershipResponse>? members) =>
            new(a.Id, a.Level, a.Name, a.HostOrganisationId, a.Status, a.CreatedAt, a.Rules, members);
    }

    public sealed record CreateAllianceRequest(AllianceLevel? Level, string? Name, OrganisationId? HostOrganisationId, RulesOfProcedure? Rules);

    public sealed record UpdateAllianceRequest(string? Name);

    public sealed record MembershipRequest(OrganisationId? OrganisationId, Guid? PartTimeMemberId, DateOnly? Since, DateOnly? Until);

    public sealed record EndMembershipRequest(DateOnly? Until);

    /// <summary>What a form offers: the alliance's categories (its rules of procedure) and the fixed named choices, by name.</summary>
    public sealed record VocabulariesResponse(
        AllianceId AllianceId, IReadOnlyList<string> Categories, IReadOnlyList<string> QualifiedCategories, IReadOnlyList<ItemKind> ItemKinds,
        IReadOnlyList<ItemScope> ItemScopes, IReadOnlyList<ResourceKind> ResourceKinds, IReadOnlyList<VenueType> VenueTypes, IReadOnlyList<UnitType> UnitTypes);

    public static async Task<Ok<List<AllianceResponse>>> List(AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await AllianceOperations.ListAsync(scope, db, cancellationToken));

    public static async Task<Ok<AllianceResponse>> Get(AllianceId id, AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await AllianceOperations.GetAsync(id, scope, db, cancellationToken));

    public static async Task<Created<AllianceResponse>> Create(
        CreateAllianceRequest request, AccessScope scope, AllianceDbContext db, AuditTrail audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var created = await AllianceOperations.CreateAsync(request, scope, db, audit, time, cancellationToken);
        return TypedResults.Created($"/api/alliances/{created.Id}", created);
    }

    public static async Task<Ok<AllianceResponse>> Update(
        AllianceId id, UpdateAllianceRequest request, AccessScope scope, AllianceDbContext db, AuditTrail audit, CancellationToken cancellationToken) =>
        TypedResults.Ok(await AllianceOperations.RenameAsync(id, request, scope, db, audit, cancellationToken));

    public static async Task<Ok<RulesOfProcedure>> GetRules(AllianceId id, AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await AllianceOperations.GetRulesAsync(id, scope, db, cancellationToken));

    public static async Task<Ok<VocabulariesResponse>> GetVocabularies(AllianceId id, AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await AllianceOperations.GetVocabulariesAsync(id, scope, db, cancellationToken));

    public static async Task<Ok<RulesOfProcedure>> PutRules(
        AllianceId id, RulesOfProcedure rules, AccessScope scope, AllianceDbContext db, AuditTrail audit, CancellationToken cancellationToken) =>
        TypedResults.Ok(await AllianceOperations.SetRulesAsync(id, rules, scope, db, audit, cancellationToken));

    public static async Task<Ok<IReadOnlyList<MembershipResponse>>> ListMemberships(
        AllianceId id, AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await AllianceOperations.ListMembershipsAsync(id, scope, db, cancellationToken));

    public static async Task<Created<MembershipResponse>> AddMembership(
        AllianceId id, MembershipRequest request, AccessScope scope, AllianceDbContext db, AuditTrail audit, CancellationToken cancellationToken)
    {
        var membership = await AllianceOperations.AddMembershipAsync(id, request, scope, db, audit, cancellationToken);
        return TypedResults.Created($"/api/alliances/{id}/memberships/{membership.Id}", membership);
    }

    public static async Task<Ok<MembershipResponse>> UpdateMembership(
        AllianceId id, MembershipId membershipId, MembershipRequest request, AccessScope scope, AllianceDbContext db, AuditTrail audit,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await AllianceOperations.UpdateMembershipAsync(id, membershipId, request, scope, db, audit, cancellationToken));

    public static async Task<Ok<MembershipResponse>> EndMembership(
        AllianceId id, MembershipId membershipId, EndMembershipRequest request, AccessScope scope, AllianceDbContext db, AuditTrail audit,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await AllianceOperations.EndMembershipAsync(id, membershipId, request, scope, db, audit, cancellationToken));
}
