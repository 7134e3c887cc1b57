namespace Alliance.Server.Features.Ui;

/// <summary>
/// The Content-Security-Policy of every UI response: scripts, styles, fonts and images only from this host (no CDN,
/// no inline script, no eval), the Blazor circuit's WebSocket to this host only, no framing. One allowance:
/// <c>style-src-attr 'unsafe-inline'</c>, because Blazor and the component library set <c>style="..."</c>
/// attributes (e.g. widths of progress bars, chart sizes); <c>&lt;style&gt;</c> elements and inline scripts stay
/// blocked (docs/adr/0007-ui-component-library.md).
/// </summary>
public sealed class ContentSecurityPolicy(RequestDelegate next)
{
    public const string Policy =
        "default-src 'self'; script-src 'self'; style-src 'self'; style-src-elem 'self'; style-src-attr 'unsafe-inline'; "
        + "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
        + "frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
            {
                headers.ContentSecurityPolicy = Policy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "same-origin";
            }

            return Task.CompletedTask;
        });
        return next(context);
    }
}
