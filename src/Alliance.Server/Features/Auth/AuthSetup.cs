using Alliance.Server.Features.People;
using Alliance.Server.Infrastructure;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;

namespace Alliance.Server.Features.Auth;

/// <summary>
/// Sign-in with ASP.NET Core Identity on the Alliance database: a cookie for the UI and an opaque bearer
/// token (Identity's bearer-token scheme) for API clients and the hub. Both are protected with ASP.NET Data
/// Protection keys kept in the shared database, so every node of a deployment accepts what any node issued
/// (docs/architecture.md, "Sign-in and scoped access").
/// </summary>
public static class AuthSetup
{
    /// <summary>The default scheme: bearer when the request carries a token, otherwise the cookie.</summary>
    public const string Scheme = "Alliance";

    public const string CookieName = "alliance.auth";

    public static IServiceCollection AddAllianceAuth(this IServiceCollection services, AllianceOptions options)
    {
        services.AddDataProtection()
            .SetApplicationName("Alliance")
            .PersistKeysToDbContext<AllianceDbContext>();

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = Scheme;
                o.DefaultChallengeScheme = Scheme;
                o.DefaultForbidScheme = Scheme;
            })
            .AddPolicyScheme(Scheme, "Cookie or bearer token", o => o.ForwardDefaultSelector = SelectScheme)
            .AddBearerToken(IdentityConstants.BearerScheme, o =>
            {
                o.BearerTokenExpiration = options.TokenLifetime;
                o.RefreshTokenExpiration = TimeSpan.FromDays(1);
                o.Events = new BearerTokenEvents { OnMessageReceived = ReadHubAccessToken };
            })
            .AddIdentityCookies();

        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = options.SignInLifetime;
            o.SlidingExpiration = true;

            // An API answers 401/403 (as problem details), never a redirect to a login page.
            // A page of the web UI sends the browser to the sign-in page at "/" instead.
            o.Events.OnRedirectToLogin = context =>
            {
                if (IsUiPage(context.Request))
                {
                    context.Response.Redirect("/?returnUrl=" + Uri.EscapeDataString(context.Request.PathBase + context.Request.Path + context.Request.QueryString));
                    return Task.CompletedTask;
                }

                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Task.CompletedTask;
            };
            o.Events.OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });

        services.AddIdentityCore<AllianceUser>(o =>
            {
                o.Password.RequiredLength = 10;
                o.Password.RequireDigit = true;
                o.Password.RequireLowercase = true;
                o.Password.RequireUppercase = true;
                o.Password.RequireNonAlphanumeric = true;
                o.Password.RequiredUniqueChars = 5;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = options.LockoutMaxFailures;
                o.Lockout.DefaultLockoutTimeSpan = options.LockoutDuration;
                o.User.RequireUniqueEmail = false;
                o.User.AllowedUserNameCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._@";
            })
            .AddEntityFrameworkStores<AllianceDbContext>()
            .AddSignInManager()
            .AddErrorDescriber<BilingualIdentityErrorDescriber>();

        services.AddAuthorization();
        services.AddSingleton<SignInGuard>();
        services.AddRateLimiter(limiter => SignInGuard.AddPolicy(limiter, options));
        return services;
    }

    /// <summary>A browser asking for a page of the web UI (not the API, the hub, the job dashboard or health).</summary>
    private static bool IsUiPage(HttpRequest request) =>
        HttpMethods.IsGet(request.Method)
        && !request.Path.StartsWithSegments("/api") && !request.Path.StartsWithSegments("/hubs") && !request.Path.StartsWithSegments("/hangfire")
        && !request.Path.StartsWithSegments("/health") && !request.Path.StartsWithSegments("/openapi")
        && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    private static string SelectScheme(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || IsHubTokenRequest(context.Request))
        {
            return IdentityConstants.BearerScheme;
        }

        return IdentityConstants.ApplicationScheme;
    }

    /// <summary>Browsers cannot set headers on WebSockets, so the hub also takes the token from <c>?access_token=</c>.</summary>
    private static Task ReadHubAccessToken(MessageReceivedContext context)
    {
        if (IsHubTokenRequest(context.Request))
        {
            context.Token = context.Request.Query["access_token"];
        }

        return Task.CompletedTask;
    }

    private static bool IsHubTokenRequest(HttpRequest request) =>
        request.Path.StartsWithSegments("/hubs", StringComparison.OrdinalIgnoreCase)
        && !string.IsNullOrEmpty(request.Query["access_token"]);
}
