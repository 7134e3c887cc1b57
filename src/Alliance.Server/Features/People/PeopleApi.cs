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

    public static async Task<Ok<List<PersonResponse>>> List(AccessScope scope, AllianceDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var visible = scope.VisibleOrganisationIds.ToList();
        var self = scope.UserId ?? Guid.Empty;
        // The district admin also sees people whose every role has been revoked.
        var ids = scope.IsDistrictAdmin
            ? await db.Users.Select(u => u.Id).ToListAsync(cancellationToken)
            : await db.RoleGrants.AsNoTracking()
                .Where(g => g.RevokedAt == null && visible.Contains(g.OrganisationId))
                .Select(g => g.UserId)
                .Union(db.Users.Where(u => u.Id == self).Select(u => u.Id))
                .ToListAsync(cancellationToken);
        var people = await DescribeAsync(db, ids, time, cancellationToken);
        return TypedResults.Ok(people.OrderBy(p => p.UserName, StringComparer.Ordinal).ToList());
    }

    public static async Task<Ok<PersonResponse>> Get(Guid id, AccessScope scope, AllianceDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        await FindVisibleAsync(db, scope, id, cancellationToken);
        return TypedResults.Ok((await DescribeAsync(db, [id], time, cancellationToken)).Single());
    }

    public static async Task<Created<PersonResponse>> Create(
        CreatePersonRequest request, AccessScope scope, AllianceDbContext db, UserManager<AllianceUser> users, AuditTrail audit, TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(users);
        var errors = new FieldErrors();
        errors.Text("userName", request.UserName, new("用户名", "user name"), 100);
        errors.Text("displayName", request.DisplayName, new("姓名", "display name"), 100);
        errors.Text("phoneNumber", request.PhoneNumber, new("电话", "phone number"), 30, required: false);
        errors.Text("password", request.Password, new("初始密码", "initial password"), 128);
        if (request.Grants is not { Count: > 0 })
        {
            errors.Add("grants", "请至少授予一个角色。", "Grant at least one role.");
        }

        var grants = new List<(AllianceRole Role, OrganisationId Organisation)>();
        for (var i = 0; i < (request.Grants?.Count ?? 0); i++)
        {
            if (await CheckGrantAsync(db, scope, errors, $"grants[{i}].", request.Grants![i], cancellationToken) is { } grant)
            {
                grants.Add(grant);
            }
        }

        var user = new AllianceUser
        {
            Id = Guid.CreateVersion7(),
            UserName = request.UserName?.Trim(),
            DisplayName = request.DisplayName?.Trim() ?? "",
            PhoneNumber = string.IsNullOrWhiteSpace(request.PhoneNumber) ? null : request.PhoneNumber.Trim(),
            LockoutEnabled = true,
            CreatedAt = time.GetUtcNow(),
            SecurityStamp = Guid.NewGuid().ToString("N"),
        };
        if (!errors.Has("userName") && !errors.Has("password"))
        {
            var problems = new List<IdentityError>();
            foreach (var validator in users.UserValidators)
            {
                problems.AddRange((await validator.ValidateAsync(users, user)).Errors);
            }

            foreach (var validator in users.PasswordValidators)
            {
                problems.AddRange((await validator.ValidateAsync(users, user, request.Password)).Errors);
            }

            IdentityErrors.AddTo(errors, problems);
        }

        errors.ThrowIfAny();
        foreach (var (role, organisation) in grants)
        {
            Demand(scope, role, organisation);
        }

        user.NormalizedUserName = users.NormalizeName(user.UserName);
        user.PasswordHash = users.PasswordHasher.HashPassword(user, request.Password!);
        db.Users.Add(user);
        foreach (var (role, organisation) in grants.Distinct())
        {
            db.RoleGrants.Add(new RoleGrant
            {
                Id = RoleGrantId.New(), UserId = user.Id, Role = role, OrganisationId = organisation, GrantedAt = user.CreatedAt, GrantedBy = scope.UserId,
            });
        }

        var after = new { user.Id, user.UserName, user.DisplayName, user.PhoneNumber, grants = grants.Select(g => new { g.Role, g.Organisation }) };
        await audit.SaveAsync(new("person.created", "person", user.Id.ToString(), scope.AdministeringOrganisationFor(grants[0].Organisation), null, after), cancellationToken);
        return TypedResults.Created($"/api/people/{user.Id}", (await DescribeAsync(db, [user.Id], time, cancellationToken)).Single());
    }

    public static async Task<Ok<PersonResponse>> Update(
        Guid id, UpdatePersonRequest request, AccessScope scope, AllianceDbContext db, AuditTrail audit, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (user, grants) = await FindVisibleAsync(db, scope, id, cancellationToken, tracked: true);
        var via = AdministeringVia(scope, grants);
        new FieldErrors()
            .Text("displayName", request.DisplayName, new("姓名", "display name"), 100)
            .Text("phoneNumber", request.PhoneNumber, new("电话", "phone number"), 30, required: false)
            .ThrowIfAny();
        var before = new { user.DisplayName, user.PhoneNumber };
        user.DisplayName = request.DisplayName!.Trim();
        user.PhoneNumber = string.IsNullOrWhiteSpace(request.PhoneNumber) ? null : request.PhoneNumber.Trim();
        await audit.SaveAsync(new("person.updated", "person", id.ToString(), via, before, new { user.DisplayName, user.PhoneNumber }), cancellationToken);
        return TypedResults.Ok((await DescribeAsync(db, [id], time, cancellationToken)).Single());
    }

    public static async Task<NoContent> ResetPassword(
        Guid id, ResetPasswordRequest request, AccessScope scope, AllianceDbContext db, UserManager<AllianceUser> users, AuditTrail audit,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(users);
        var (user, grants) = await FindVisibleAsync(db, scope, id, cancellationToken, tracked: true);
        var via = AdministeringVia(scope, grants);
        var errors = new FieldErrors();
        await IdentityErrors.CheckPasswordAsync(errors, users, user, request.NewPassword, "newPassword");
        errors.ThrowIfAny();
        IdentityErrors.SetPassword(users, user, request.NewPassword!);
        await audit.SaveAsync(new("person.password-reset", "person", id.ToString(), via, null, new { user.UserName }), cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<PersonResponse>> Unlock(
        Guid id, AccessScope scope, AllianceDbContext db, AuditTrail audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var (user, grants) = await FindVisibleAsync(db, scope, id, cancellationToken, tracked: true);
        var via = AdministeringVia(scope, grants);
        var before = new { user.LockoutEnd, user.AccessFailedCount };
        user.LockoutEnd = null;
        user.AccessFailedCount = 0;
        await audit.SaveAsync(new("person.unlocked", "person", id.ToString(), via, before, new { user.LockoutEnd, user.AccessFailedCount }), cancellationToken);
        return TypedResults.Ok((await DescribeAsync(db, [id], time, cancellationToken)).Single());
    }

    public static async Task<Created<GrantResponse>> Grant(
        Guid id, GrantRequest request, AccessScope scope, AllianceDbContext db, AuditTrail audit, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await FindVisibleAsync(db, scope, id, cancellationToken);
        var errors = new FieldErrors();
        var checkedGrant = await CheckGrantAsync(db, scope, errors, "", request, cancellationToken);
        errors.ThrowIfAny();
        var (role, organisation) = checkedGrant!.Value;
        Demand(scope, role, organisation);
        if (await db.RoleGrants.AnyAsync(g => g.UserId == id && g.Role == role && g.OrganisationId == organisation && g.RevokedAt == null, cancellationToken))
        {
            throw new ConflictProblem("grant.already-held", new("此人已拥有该组织的这一角色。", "The person already holds this role for this organisation."));
        }

        var grant = new RoleGrant
        {
            Id = RoleGrantId.New(), UserId = id, Role = role, OrganisationId = organisation, GrantedAt = time.GetUtcNow(), GrantedBy = scope.UserId,
        };
        db.RoleGrants.Add(grant);
        var response = new GrantResponse(grant.Id, grant.Role, grant.OrganisationId, grant.GrantedAt, null);
        await audit.SaveAsync(new("role.granted", "role-grant", grant.Id.ToString(), scope.AdministeringOrganisationFor(organisation), null,
            new { person = id, grant = response }), cancellationToken);
        return TypedResults.Created($"/api/people/{id}", response);
    }

    public static async Task<Ok<GrantResponse>> Revoke(
        Guid id, RoleGrantId grantId, AccessScope scope, AllianceDbContext db, AuditTrail audit, TimeProvider time, CancellationToken cancellationToken)
    {
        await FindVisibleAsync(db, scope, id, cancellationToken);
        var grant = await db.RoleGrants.SingleOrDefaultAsync(g => g.Id == grantId && g.UserId == id, cancellationToken)
            ?? throw new NotFoundProblem(new BilingualText("角色授权", "role grant"));
        if (!scope.CanSeeOrganisation(grant.OrganisationId))
        {
            throw new NotFoundProblem(new BilingualText("角色授权", "role grant"));
        }

        Demand(scope, grant.Role, grant.OrganisationId);
        if (grant.RevokedAt is not null)
        {
            throw new ConflictProblem("grant.already-revoked", new("该角色已撤销。", "The role has already been revoked."));
        }

        if (grant.Role == AllianceRole.DistrictAdmin && grant.UserId == scope.UserId)
        {
            throw new ConflictProblem("grant.own-district-admin", new("不能撤销自己的区级管理员角色。", "You cannot revoke your own district administrator role."));
        }

        var before = new GrantResponse(grant.Id, grant.Role, grant.OrganisationId, grant.GrantedAt, null);
        grant.RevokedAt = time.GetUtcNow();
        grant.RevokedBy = scope.UserId;
        var after = before with { RevokedAt = grant.RevokedAt };
        await audit.SaveAsync(new("role.revoked", "role-grant", grant.Id.ToString(), scope.AdministeringOrganisationFor(grant.OrganisationId),
            new { person = id, grant = before }, new { person = id, grant = after }), cancellationToken);
        return TypedResults.Ok(after);
    }

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
    private static OrganisationId AdministeringVia(AccessScope scope, List<RoleGrant> grants) =>
        grants.Select(g => scope.AdministeringOrganisationFor(g.OrganisationId)).FirstOrDefault(o => o is not null)
        ?? (scope.IsDistrictAdmin ? scope.Grants.First(g => g.Role == AllianceRole.DistrictAdmin).OrganisationId : (OrganisationId?)null)
        ?? throw new ForbiddenProblem("scope.not-administrator", new("您可以查看此人，但无权管理其账号。", "You can see this person but may not administer their account."));

    private static async Task<(AllianceRole Role, OrganisationId Organisation)?> CheckGrantAsync(
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

    private static void Demand(AccessScope scope, AllianceRole role, OrganisationId organisation)
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

    private static async Task<List<PersonResponse>> DescribeAsync(AllianceDbContext db, List<Guid> ids, TimeProvider time, CancellationToken cancellationToken)
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
