using Alliance.Server.Features.Access;
using Alliance.Server.Features.Audit;
using Alliance.Server.Features.Auth;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.People;

public static class PeopleApi
{
    public static readonly BilingualText Thing = new("人员", "person");

    public static IEndpointRouteBuilder MapPeopleApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/people").WithTags("People").RequireAuthorization();
        api.MapGet("/", List).WithName("ListPeople").WithSummary("People the caller can see, with their roles / 可见的人员及角色");
        api.MapGet("/{id:guid}", Get).WithName("GetPerson").WithSummary("One person with their roles / 人员详情");
        api.MapPost("/", Create).WithName("CreatePerson").WithSummary("Create an account with at least one role / 新建账号并授予角色");
        api.MapPut("/{id:guid}", Update).WithName("UpdatePerson").WithSummary("Change a person's display name or phone / 修改人员信息");
        api.MapPost("/{id:guid}/password", ResetPassword).WithName("ResetPassword").WithSummary("Set a new password for a person one administers / 重置密码");
        api.MapPost("/{id:guid}/unlock", Unlock).WithName("UnlockPerson").WithSummary("End a lockout after repeated failed sign-ins / 解除账号锁定");
        api.MapPost("/{id:guid}/grants", Grant).WithName("GrantRole").WithSummary("Grant a role for an organisation / 授予角色");
        api.MapPost("/{id:guid}/grants/{grantId}/revoke", Revoke).WithName("RevokeRole").WithSummary("Revoke a role (the record stays) / 撤销角色（不删除）");
        return app;
    }

    public sealed record GrantResponse(RoleGrantId Id, AllianceRole Role, OrganisationId OrganisationId, DateTimeOffset GrantedAt, DateTimeOffset? RevokedAt);

    public sealed record PersonResponse(Guid Id, string UserName, string DisplayName, string? PhoneNumber, bool IsLockedOut, IReadOnlyList<GrantResponse> Grants);

    public sealed record GrantRequest(AllianceRole? Role, OrganisationId? OrganisationId);

    public sealed record CreatePersonRequest(string? UserName, string? DisplayName, string? Password, string? PhoneNumber, List<GrantRequest>? Grants);

    public sealed record ResetPasswordRequest(string? NewPassword);

    public sealed record UpdatePersonRequest(string? DisplayName, string? PhoneNumber);

    public static async Task<Ok<List<PersonResponse>>> List(AccessScope scope, AllianceDbContext db, TimeProvider time, CancellationToken cancellationToken) =>
        TypedResults.Ok(await PeopleOperations.ListAsync(scope, db, time, cancellationToken));

    public static async Task<Ok<PersonResponse>> Get(Guid id, AccessScope scope, AllianceDbContext db, TimeProvider time, CancellationToken cancellationToken) =>
        TypedResults.Ok(await PeopleOperations.GetAsync(id, scope, db, time, cancellationToken));

    public static async Task<Created<PersonResponse>> Create(
        CreatePersonRequest request, AccessScope scope, AllianceDbContext db, UserManager<AllianceUser> users, AuditTrail audit, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var person = await PeopleOperations.CreateAsync(request, scope, db, users, audit, time, cancellationToken);
        return TypedResults.Created($"/api/people/{person.Id}", person);
    }

    public static async Task<Ok<PersonResponse>> Update(
        Guid id, UpdatePersonRequest request, AccessScope scope, AllianceDbContext db, AuditTrail audit, TimeProvider time, CancellationToken cancellationToken) =>
        TypedResults.Ok(await PeopleOperations.UpdateAsync(id, request, scope, db, audit, time, cancellationToken));

    public static async Task<NoContent> ResetPassword(
        Guid id, ResetPasswordRequest request, AccessScope scope, AllianceDbContext db, UserManager<AllianceUser> users, AuditTrail audit,
        CancellationToken cancellationToken)
    {
        await PeopleOperations.ResetPasswordAsync(id, request, scope, db, users, audit, cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<PersonResponse>> Unlock(
        Guid id, AccessScope scope, AllianceDbContext db, AuditTrail audit, TimeProvider time, CancellationToken cancellationToken) =>
        TypedResults.Ok(await PeopleOperations.UnlockAsync(id, scope, db, audit, time, cancellationToken));

    public static async Task<Created<GrantResponse>> Grant(
        Guid id, GrantRequest request, AccessScope scope, AllianceDbContext db, AuditTrail audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var grant = await PeopleOperations.GrantAsync(id, request, scope, db, audit, time, cancellationToken);
        return TypedResults.Created($"/api/people/{id}", grant);
    }

    public static async Task<Ok<GrantResponse>> Revoke(
        Guid id, RoleGrantId grantId, AccessScope scope, AllianceDbContext db, AuditTrail audit, TimeProvider time, CancellationToken cancellationToken) =>
        TypedResults.Ok(await PeopleOperations.RevokeAsync(id, grantId, scope, db, audit, time, cancellationToken));

    /// <summary>
    /// The person and their active grants, or 404: a person is visible to themself, to the district admin and to
    /// whoever can see an organisation they hold a role for.
    /// </summary>
    public static async Task<(AllianceUser User, List<RoleGrant> Grants)> FindVisibleAsync(
        AllianceDbContext db, AccessScope scope, Guid id, CancellationToken cancellationToken, bool tracked = false)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(scope);
        var query = tracked ? db.Users : db.Users.AsNoTracking();
        var user = await query.SingleOrDefaultAsync(u => u.Id == id, cancellationToken);
        var grants = user is null
            ? []
            : await db.RoleGrants.AsNoTracking().Where(g => g.UserId == id && g.RevokedAt == null).ToListAsync(cancellationToken);
        return user is not null && (scope.IsDistrictAdmin || scope.UserId == id || grants.Any(g => scope.CanSeeOrganisation(g.OrganisationId)))
            ? (user, grants)
            : throw new NotFoundProblem(Thing);
    }

    /// <summary>
    /// A person is administered by whoever administers one of the organisations they hold a role for (a person
    /// without any role: by the district admin). Returns that organisation, or throws 403.
    /// </summary>
    internal static OrganisationId AdministeringVia(AccessScope scope, List<RoleGrant> grants) =>
        grants.Select(g => scope.AdministeringOrganisationFor(g.OrganisationId)).FirstOrDefault(o => o is not null)
        ?? (scope.IsDistrictAdmin ? scope.Grants.First(g => g.Role == AllianceRole.DistrictAdmin).OrganisationId : (OrganisationId?)null)
        ?? throw new ForbiddenProblem("scope.not-administrator", new("您可以查看此人，但无权管理其账号。", "You can see this person but may not administer their account."));

    internal static async Task<(AllianceRole Role, OrganisationId Organisation)?> CheckGrantAsync(
        AllianceDbContext db, AccessScope scope, FieldErrors errors, string prefix, GrantRequest? request, CancellationToken cancellationToken)
    {
        if (request?.Role is not AllianceRole role)
        {
            errors.Add(prefix + "role", "请选择角色。", "The role is required.");
            return null;
        }

        if (request.OrganisationId is not OrganisationId id)
        {
            errors.Add(prefix + "organisationId", "请选择组织。", "The organisation is required.");
            return null;
        }

        var kind = scope.CanSeeOrganisation(id)
            ? await db.Organisations.Where(o => o.Id == id).Select(o => (OrganisationKind?)o.Kind).SingleOrDefaultAsync(cancellationToken)
            : null;
        if (kind is null)
        {
            errors.Unknown(prefix + "organisationId", new("组织", "organisation"));
            return null;
        }

        if (AllianceRoles.OrganisationKindOf(role) != kind)
        {
            errors.Add(prefix + "role", $"角色 {role} 只能授予{KindName(AllianceRoles.OrganisationKindOf(role)).Zh}。",
                $"The role {role} can only be held for a {KindName(AllianceRoles.OrganisationKindOf(role)).En}.");
            return null;
        }

        return (role, id);
    }

    internal static void Demand(AccessScope scope, AllianceRole role, OrganisationId organisation)
    {
        if (role == AllianceRole.DistrictAdmin)
        {
            scope.DemandDistrictAdmin();
        }

        scope.DemandAdminister(organisation);
    }

    private static BilingualText KindName(OrganisationKind kind) => kind switch
    {
        OrganisationKind.District => new("区", "district"),
        OrganisationKind.Street => new("街道", "street"),
        OrganisationKind.Community => new("社区", "community"),
        _ => new("共建单位", "co-building unit"),
    };

    internal static async Task<List<PersonResponse>> DescribeAsync(AllianceDbContext db, List<Guid> ids, TimeProvider time, CancellationToken cancellationToken)
    {
        var users = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id))
            .Select(u => new { u.Id, u.UserName, u.DisplayName, u.PhoneNumber, u.LockoutEnd })
            .ToListAsync(cancellationToken);
        var grants = (await db.RoleGrants.AsNoTracking().Where(g => ids.Contains(g.UserId) && g.RevokedAt == null).ToListAsync(cancellationToken))
            .ToLookup(g => g.UserId);
        var now = time.GetUtcNow();
        return [.. users.Select(u => new PersonResponse(u.Id, u.UserName ?? "", u.DisplayName, u.PhoneNumber, u.LockoutEnd > now,
            [.. grants[u.Id].OrderBy(g => g.Role).Select(g => new GrantResponse(g.Id, g.Role, g.OrganisationId, g.GrantedAt, g.RevokedAt))]))];
    }
}
