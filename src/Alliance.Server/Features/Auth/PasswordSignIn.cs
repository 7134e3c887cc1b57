using Alliance.Server.Features.Access;
using Alliance.Server.Features.Audit;
using Alliance.Server.Features.People;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Auth;

/// <summary>
/// Signing in with a password and changing one's own: the one implementation behind the API
/// (<c>/api/auth/login</c>, <c>/api/auth/token</c>, <c>/api/auth/password</c>) and the web UI's forms.
/// A wrong password or unknown user is a 401 <see cref="SignInProblem"/>, a locked account a 423 one; bad input a 400.
/// </summary>
public static class PasswordSignIn
{
    /// <summary>
    /// A known and an unknown user name answer alike (<see cref="SignInGuard"/>): 401 <c>auth.invalid-credentials</c> for a
    /// wrong password, 423 <c>auth.locked-out</c> from the <c>LockoutMaxFailures</c>-th failure in a row for
    /// <c>LockoutDuration</c>, 429 <c>auth.too-many-attempts</c> past the per-name allowance.
    /// </summary>
    public static async Task<AllianceUser> SignInAsync(SignInManager<AllianceUser> signIn, SignInGuard guard, string? userName, string? password, string scheme)
    {
        ArgumentNullException.ThrowIfNull(signIn);
        ArgumentNullException.ThrowIfNull(guard);
        new FieldErrors()
            .Text("userName", userName, new("用户名", "user name"), 256)
            .Text("password", password, new("密码", "password"), 256)
            .ThrowIfAny();

        var name = signIn.UserManager.NormalizeName(userName!.Trim());
        guard.Enter(name);
        var user = await signIn.UserManager.FindByNameAsync(userName.Trim());
        if (user is null)
        {
            throw guard.FailUnknown(name, password!) ? LockedOut() : InvalidCredentials();
        }

        signIn.AuthenticationScheme = scheme;
        var result = await signIn.PasswordSignInAsync(user, password!, isPersistent: false, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            throw LockedOut();
        }

        if (!result.Succeeded)
        {
            throw InvalidCredentials();
        }

        return user;
    }

    private static SignInProblem LockedOut() =>
        new(StatusCodes.Status423Locked, "auth.locked-out",
            new("连续登录失败次数过多，账号已被暂时锁定，请稍后再试。", "Too many failed sign-ins: the account is locked for a while. Try again later."));

    public static async Task ChangePasswordAsync(
        AccessScope scope, AllianceDbContext db, UserManager<AllianceUser> users, AuditTrail audit, string? currentPassword, string? newPassword,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(audit);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == scope.UserId, cancellationToken)
            ?? throw new SignInProblem(StatusCodes.Status401Unauthorized, "auth.unknown-user", new("账号不存在。", "The account no longer exists."));
        var errors = new FieldErrors().Text("currentPassword", currentPassword, new("当前密码", "current password"), 256);
        if (!errors.Has("currentPassword") && !await users.CheckPasswordAsync(user, currentPassword!))
        {
            errors.Add("currentPassword", "当前密码不正确。", "The current password is wrong.");
        }

        await IdentityErrors.CheckPasswordAsync(errors, users, user, newPassword, "newPassword");
        errors.ThrowIfAny();
        IdentityErrors.SetPassword(users, user, newPassword!);
        await audit.SaveAsync(new("person.password-changed", "person", user.Id.ToString(), null, null, new { user.UserName }), cancellationToken);
    }

    private static SignInProblem InvalidCredentials() =>
        new(StatusCodes.Status401Unauthorized, "auth.invalid-credentials", new("用户名或密码错误。", "The user name or password is wrong."));
}
