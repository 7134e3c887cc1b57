using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Radzen;

namespace Alliance.Server.Features.Ui;

/// <summary>
/// The web UI: Blazor components served by this host at <c>/</c> (docs/architecture.md, "The web UI"). Pages are
/// static server-rendered unless they follow live changes; those (the inbox, the board) render interactively on the
/// server. Pages call feature code in-process through <see cref="UiSession"/>, never the HTTP API.
/// </summary>
public static class UiSetup
{
    public const string CultureCookie = ".Alliance.Culture";

    public static IServiceCollection AddAllianceUi(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddAntiforgery();
        services.AddLocalization();
        services.AddRadzenComponents();
        services.AddSingleton<ILocalizer, RadzenChineseLocalizer>();
        services.AddScoped<UiSession>();
        return services;
    }

    /// <summary>Culture (zh-CN unless the person switched to English), the Content-Security-Policy, antiforgery.</summary>
    public static IApplicationBuilder UseAllianceUi(this IApplicationBuilder app)
    {
        app.UseWhen(IsUiRequest, ui =>
        {
            ui.UseRequestLocalization(o =>
            {
                o.SupportedCultures = o.SupportedUICultures = [UiCulture.Chinese, UiCulture.English];
                o.DefaultRequestCulture = new RequestCulture(UiCulture.Chinese);
                o.RequestCultureProviders = [new CookieRequestCultureProvider { CookieName = CultureCookie }];
            });
            ui.UseMiddleware<ContentSecurityPolicy>();
        });
        app.UseAntiforgery();
        return app;
    }

    public static IEndpointRouteBuilder MapAllianceUi(this IEndpointRouteBuilder app)
    {
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapUiAccountEndpoints();
        return app;
    }

    private static bool IsUiRequest(HttpContext context)
    {
        var path = context.Request.Path;
        return !(path.StartsWithSegments("/api") || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/hangfire")
            || path.StartsWithSegments("/health") || path.StartsWithSegments("/hubs"));
    }
}

/// <summary>The two languages of the UI. Chinese (zh-CN) first.</summary>
public static class UiCulture
{
    public static readonly CultureInfo Chinese = CultureInfo.GetCultureInfo("zh-CN");

    public static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");

    public static bool IsEnglish => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";
}
