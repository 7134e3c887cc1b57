using System.Net;
using System.Text;
using Alliance.Server.Features.Demo;
using Alliance.Server.Infrastructure;

namespace Alliance.Server.Features.System;

/// <summary>
/// What the URL printed at start-up shows until the web UI exists: where the API, its document, the hub, the job
/// dashboard and the health checks are, and — with demo data on — the demo sign-ins. Chinese first, English beside.
/// </summary>
public static class StartPage
{
    private static readonly (string User, string Zh, string En)[] DemoSignIns =
    [
        (DemoUsers.DistrictAdmin, "区级管理员", "district administrator"),
        (DemoUsers.StreetChair, "街道大党工委书记", "street chair"),
        (DemoUsers.CommunitySecretary, "社区党组织书记", "community secretary"),
        (DemoUsers.UnitContact, "共建单位联络人", "co-building unit contact"),
    ];

    public static IEndpointRouteBuilder MapStartPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (AllianceOptions options) => Results.Content(Render(options.DemoData), "text/html; charset=utf-8"))
            .ExcludeFromDescription();
        return app;
    }

    public static string Render(bool demoData)
    {
        var html = new StringBuilder();
        html.Append("""
            <!doctype html>
            <html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Alliance · 区域化党建联盟协同平台</title>
            <style>body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;line-height:1.6}
            code{background:#f3f3f3;padding:0 .3em}td,th{padding:.2em .8em .2em 0;text-align:left}.en{color:#666}</style></head><body>
            <h1>Alliance · 区域化党建联盟协同平台</h1>
            <p>服务正在运行。网页界面尚在建设中；现在可通过接口使用全部功能。<br><span class="en">The server is running. The web UI is not built yet; everything works through the API.</span></p>
            <ul>
            <li><a href="/openapi/v1.json">接口文档 OpenAPI</a> <span class="en">— the API document (<code>/api/...</code>)</span></li>
            <li><a href="/health/ready">就绪检查</a> <span class="en">— readiness (database and bus)</span></li>
            <li><a href="/hangfire">定时任务面板</a> <span class="en">— Hangfire dashboard (district administrator, signed in)</span></li>
            <li>实时推送 <code>/hubs/alliance</code> <span class="en">— the SignalR hub (see docs/live-updates.md)</span></li>
            </ul>
            """);
        if (demoData)
        {
            html.Append("<h2>演示账号 <span class=\"en\">Demo sign-ins</span></h2><p>")
                .Append("密码均为 <span class=\"en\">Every password is</span> <code>").Append(WebUtility.HtmlEncode(DemoUsers.Password)).Append("</code>；")
                .Append("<code>POST /api/auth/token</code> 取得令牌 <span class=\"en\">returns a bearer token</span>。</p><table>");
            foreach (var (user, zh, en) in DemoSignIns)
            {
                html.Append("<tr><td><code>").Append(user).Append("</code></td><td>").Append(zh).Append(" <span class=\"en\">").Append(en).Append("</span></td></tr>");
            }

            html.Append("</table>");
        }

        return html.Append("</body></html>").ToString();
    }
}
