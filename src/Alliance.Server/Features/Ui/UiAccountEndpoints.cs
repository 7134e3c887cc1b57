using Alliance.Server.Features.People;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;

namespace Alliance.Server.Features.Ui;

/// <summary>The UI's two non-page actions: sign out (a form post, antiforgery-checked) and the language switch.</summary>
public static class UiAccountEndpoints
{
    public const string SignOutPath = "/account/signout";

    public static string CulturePath(string culture, string returnUrl) =>
        $"/account/culture/{culture}?returnUrl={Uri.EscapeDataString(returnUrl)}";

    public static IEndpointRouteBuilder MapUiAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(SignOutPath, SignOutAsync)
            .WithMetadata(new RequireAntiforgeryTokenAttribute())
            .ExcludeFromDescription();
        app.MapGet("/account/culture/{culture}", SwitchCulture).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> SignOutAsync(SignInManager<AllianceUser> signIn)
    {
        await signIn.SignOutAsync();
        return Results.LocalRedirect("/");
    }

    /// <summary>Remembers the language for a year in a cookie of this browser (zh-CN or en; anything else is zh-CN).</summary>
    private static IResult SwitchCulture(string culture, string? returnUrl, HttpContext context)
    {
        var chosen = string.Equals(culture, "en", StringComparison.OrdinalIgnoreCase) ? UiCulture.English : UiCulture.Chinese;
        context.Response.Cookies.Append(
            UiSetup.CultureCookie,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(chosen)),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true });
        return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/");
    }

    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));
}
