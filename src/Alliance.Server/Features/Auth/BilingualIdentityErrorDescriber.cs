using Microsoft.AspNetCore.Identity;

namespace Alliance.Server.Features.Auth;

/// <summary>
/// Identity's password and user-name errors. The code is kept; the description carries Chinese then English
/// (<c>zh｜en</c>), which <see cref="IdentityErrors"/> splits into a bilingual field error.
/// </summary>
public sealed class BilingualIdentityErrorDescriber : IdentityErrorDescriber
{
    public override IdentityError PasswordTooShort(int length) => Error(nameof(PasswordTooShort), $"密码至少 {length} 位。", $"The password must be at least {length} characters.");

    public override IdentityError PasswordRequiresDigit() => Error(nameof(PasswordRequiresDigit), "密码须包含数字。", "The password must contain a digit.");

    public override IdentityError PasswordRequiresLower() => Error(nameof(PasswordRequiresLower), "密码须包含小写字母。", "The password must contain a lower-case letter.");

    public override IdentityError PasswordRequiresUpper() => Error(nameof(PasswordRequiresUpper), "密码须包含大写字母。", "The password must contain an upper-case letter.");

    public override IdentityError PasswordRequiresNonAlphanumeric() => Error(nameof(PasswordRequiresNonAlphanumeric), "密码须包含符号。", "The password must contain a symbol.");

    public override IdentityError PasswordRequiresUniqueChars(int uniqueChars) => Error(nameof(PasswordRequiresUniqueChars), $"密码至少包含 {uniqueChars} 个不同字符。", $"The password must use at least {uniqueChars} different characters.");

    public override IdentityError DuplicateUserName(string userName) => Error(nameof(DuplicateUserName), $"用户名 {userName} 已被使用。", $"The user name {userName} is taken.");

    public override IdentityError InvalidUserName(string? userName) => Error(nameof(InvalidUserName), "用户名只能包含字母、数字和 - . _ @。", "The user name may contain only letters, digits and - . _ @.");

    private static IdentityError Error(string code, string zh, string en) => new() { Code = code, Description = zh + IdentityErrors.Separator + en };
}

public static class IdentityErrors
{
    public const string Separator = "｜";

    /// <summary>Turns failed Identity results into field errors: password rules on <paramref name="passwordField"/>, user-name rules on <c>userName</c>.</summary>
    public static void AddTo(Infrastructure.Problems.FieldErrors errors, IEnumerable<IdentityError> identityErrors, string passwordField = "password")
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(identityErrors);
        foreach (var group in identityErrors.GroupBy(e => e.Code.StartsWith("Password", StringComparison.Ordinal) ? passwordField : "userName"))
        {
            var parts = group.Select(e => e.Description.Split(Separator)).ToList();
            errors.Add(group.Key,
                string.Join(" ", parts.Select(p => p[0])),
                string.Join(" ", parts.Select(p => p.Length > 1 ? p[1] : p[0])));
        }
    }

    /// <summary>Checks a new password against the password rules; each broken rule is reported on <paramref name="field"/>.</summary>
    public static async Task CheckPasswordAsync(
        Infrastructure.Problems.FieldErrors errors, UserManager<People.AllianceUser> users, People.AllianceUser user, string? password, string field)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(users);
        errors.Text(field, password, new("新密码", "new password"), 128);
        if (errors.Has(field))
        {
            return;
        }

        var problems = new List<IdentityError>();
        foreach (var validator in users.PasswordValidators)
        {
            problems.AddRange((await validator.ValidateAsync(users, user, password)).Errors);
        }

        AddTo(errors, problems, field);
    }

    /// <summary>Sets a checked password: a new hash, a new security stamp (other sign-ins of the account end), no lockout.</summary>
    public static void SetPassword(UserManager<People.AllianceUser> users, People.AllianceUser user, string password)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(user);
        user.PasswordHash = users.PasswordHasher.HashPassword(user, password);
        user.SecurityStamp = Guid.NewGuid().ToString("N");
        user.AccessFailedCount = 0;
        user.LockoutEnd = null;
    }
}
