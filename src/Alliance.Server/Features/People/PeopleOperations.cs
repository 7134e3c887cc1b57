using Alliance.Server.Features.Access;
using Alliance.Server.Features.Audit;
using Alliance.Server.Features.Auth;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using static Alliance.Server.Features.People.PeopleApi;

namespace Alliance.Server.Features.People;

/// <summary>
/// People and their roles, the code both <c>/api/people</c> and the web UI's 人员 page run: whom the caller sees (404
/// otherwise), creating an account with its roles, changing a name or phone, resetting a password, ending a lockout,
/// granting and revoking roles, each allowed only to whoever administers the organisation concerned (403 otherwise) and
/// audited.
/// </summary>
public static class PeopleOperations
{
    public static async Task<List<PersonResponse>> ListAsync(AccessScope scope, AllianceDbContext db, TimeProvider time, CancellationToken cancellationToken)
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
        return people.OrderBy(p => p.UserName, StringComparer.Ordinal).ToList();
    }

    public static async Task<PersonResponse> GetAsync(Guid id, AccessScope scope, AllianceDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        await FindVisibleAsync(db, scope, id, cancellationToken);
        return (await DescribeAsync(db, [id], time, cancellationToken)).Single();
    }

    public static async Task<PersonResponse> CreateAsync(
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
        return (await DescribeAsync(db, [user.Id], time, cancellationToken)).Single();
    }

    public static async Task<PersonResponse> UpdateAsync(
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
        return (await DescribeAsync(db, [id], time, cancellationToken)).Single();
    }

    public static async Task ResetPasswordAsync(
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
    }

    public static async Task<PersonResponse> UnlockAsync(
        Guid id, AccessScope scope, AllianceDbContext db, AuditTrail audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var (user, grants) = await FindVisibleAsync(db, scope, id, cancellationToken, tracked: true);
        var via = AdministeringVia(scope, grants);
        var before = new { user.LockoutEnd, user.AccessFailedCount };
        user.LockoutEnd = null;
        user.AccessFailedCount = 0;
        await audit.SaveAsync(new("person.unlocked", "person", id.ToString(), via, before, new { user.LockoutEnd, user.AccessFailedCount }), cancellationToken);
        return (await DescribeAsync(db, [id], time, cancellationToken)).Single();
    }

    public static async Task<GrantResponse> GrantAsync(
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
        return response;
    }

    public static async Task<GrantResponse> RevokeAsync(
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
        return after;
    }
}
