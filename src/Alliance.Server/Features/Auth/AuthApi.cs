using Alliance.Server.Features.Access;
using Alliance.Server.Features.Audit;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.People;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Auth;

public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/auth").WithTags("Auth");
        api.MapPost("/login", Login)
            .RequireRateLimiting(SignInGuard.Policy)
            .WithName("SignIn")
            .WithSummary("Sign in with user name and password; sets the UI cookie / 登录（Cookie）");
        api.MapPost("/token", Token)
            .RequireRateLimiting(SignInGuard.Policy)
            .WithName("IssueToken")
            .WithSummary("Sign in with user name and password; returns a bearer token for API clients and the hub / 获取访问令牌");
        api.MapPost("/logout", Logout)
            .WithName("SignOut")
            .WithSummary("Sign out (clears the cookie) / 退出登录")
            .RequireAuthorization();
        api.MapPost("/password", ChangePassword)
            .WithName("ChangeOwnPassword")
            .WithSummary("Change one's own password / 修改本人密码")
            .RequireAuthorization();
        api.MapGet("/me", Me)
            .WithName("WhoAmI")
            .WithSummary("The signed-in person and their roles / 当前用户及其角色")
            .RequireAuthorization();
        return app;
    }

    public sealed record SignInRequest(string? UserName, string? Password);

    public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

    public sealed record GrantResponse(RoleGrantId Id, AllianceRole Role, OrganisationId OrganisationId, string OrganisationName, OrganisationKind OrganisationKind);

    public sealed record MeResponse(Guid Id, string UserName, string DisplayName, bool IsDistrictAdmin, IReadOnlyList<GrantResponse> Grants);

    public static async Task<Ok<MeResponse>> Login(
        SignInRequest request, SignInManager<AllianceUser> signIn, SignInGuard guard, AllianceDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signIn);
        var user = await PasswordSignIn.SignInAsync(signIn, guard, request.UserName, request.Password, IdentityConstants.ApplicationScheme);
        return TypedResults.Ok(await DescribeAsync(db, user, cancellationToken));
    }

    /// <summary>The bearer-token handler writes <c>{ tokenType, accessToken, expiresIn, refreshToken }</c> itself.</summary>
    public static async Task<EmptyHttpResult> Token(SignInRequest request, SignInManager<AllianceUser> signIn, SignInGuard guard)
    {
        ArgumentNullException.ThrowIfNull(signIn);
        await PasswordSignIn.SignInAsync(signIn, guard, request.UserName, request.Password, IdentityConstants.BearerScheme);
        return TypedResults.Empty;
    }

    public static async Task<NoContent> Logout(SignInManager<AllianceUser> signIn)
    {
        ArgumentNullException.ThrowIfNull(signIn);
        await signIn.SignOutAsync();
        return TypedResults.NoContent();
    }

    public static async Task<NoContent> ChangePassword(
        ChangePasswordRequest request, AccessScope scope, AllianceDbContext db, UserManager<AllianceUser> users, AuditTrail audit,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(users);
        await PasswordSignIn.ChangePasswordAsync(scope, db, users, audit, request.CurrentPassword, request.NewPassword, cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<MeResponse>> Me(AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == scope.UserId, cancellationToken)
            ?? throw new SignInProblem(StatusCodes.Status401Unauthorized, "auth.unknown-user", new("账号不存在。", "The account no longer exists."));
        return TypedResults.Ok(await DescribeAsync(db, user, cancellationToken));
    }

    private static async Task<MeResponse> DescribeAsync(AllianceDbContext db, AllianceUser user, CancellationToken cancellationToken)
    {
        var grants = await db.RoleGrants.AsNoTracking()
            .Where(g => g.UserId == user.Id && g.RevokedAt == null)
            .Join(db.Organisations, g => g.OrganisationId, o => o.Id, (g, o) => new GrantResponse(g.Id, g.Role, o.Id, o.Name, o.Kind))
            .ToListAsync(cancellationToken);
        return new MeResponse(user.Id, user.UserName!, user.DisplayName, grants.Any(g => g.Role == AllianceRole.DistrictAdmin),
            [.. grants.OrderBy(g => g.Role).ThenBy(g => g.OrganisationName, StringComparer.Ordinal)]);
    }
}

/// <summary>A failed sign-in (401) or a locked account (423).</summary>
public sealed class SignInProblem(int status, string code, BilingualText detail)
    : AllianceProblemException(status, code, new("登录失败", "Sign-in failed"), detail);
