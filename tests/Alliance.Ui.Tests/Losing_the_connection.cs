using System.Text.RegularExpressions;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Items;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Alliance.Ui.Tests;

/// <summary>A live page whose connection to the server drops: it says so while it reconnects, and follows again afterwards.</summary>
[Collection(SharedUi.Name)]
public sealed class Losing_the_connection(UiServer ui)
{
    [Fact]
    public async Task A_live_page_shows_that_it_reconnects_then_shows_what_changed_meanwhile()
    {
        var page = await ui.PhoneAsync(DemoUsers.StreetChair);
        // the page's live connection goes through a WebSocket route, so the test can cut it as a lost network would
        var sockets = new List<(IWebSocketRoute Page, IWebSocketRoute Server)>();
        var offline = false;
        await page.RouteWebSocketAsync(new Regex("/_blazor"), async ws =>
        {
            if (Volatile.Read(ref offline)) { await ws.CloseAsync(new() { Code = 4000, Reason = "offline" }); return; }
            lock (sockets) sockets.Add((ws, ws.ConnectToServer()));
        });
        await page.GotoAsync("/board");
        var live = page.Locator("[data-testid=live-state]");
        await Assertions.Expect(live).ToHaveAttributeAsync("data-following", "true");
        var banner = page.Locator("[data-testid=connection]");
        await Assertions.Expect(banner).ToBeHiddenAsync();

        // the network goes (no socket, no negotiation, no long polling) and the open socket drops
        Volatile.Write(ref offline, true);
        await page.RouteAsync(new Regex("/_blazor"), route => route.AbortAsync("internetdisconnected"));
        (IWebSocketRoute Page, IWebSocketRoute Server)[] open;
        lock (sockets) open = [.. sockets];
        Assert.NotEmpty(open);
        foreach (var (toPage, toServer) in open)
        {
            await toPage.CloseAsync(new() { Code = 4000, Reason = "network lost" });
            await toServer.CloseAsync(new() { Code = 4000, Reason = "network lost" });
        }
        await Assertions.Expect(banner).ToBeVisibleAsync();
        await Assertions.Expect(banner).ToContainTextAsync("正在重新连接");
        await Assertions.Expect(live).ToBeHiddenAsync(); // it does not claim to follow while it cannot
        await UiServer.ScreenshotAsync(page, "board-reconnecting");
        // meanwhile a secretary submits an item (the page cannot hear of it now)
        var title = "断线期间提交的事项 " + Guid.NewGuid().ToString("N")[..6];
        await ui.AsAsync(DemoUsers.CommunitySecretary, (services, scope) => services.GetRequiredService<ItemOperations>().SubmitAsync(scope,
            new ItemsApi.SubmitItemRequest(ItemKind.Deliberation, title, "断线期间提交，网络恢复后看板应当显示。", "环境", DemoRegion.CommunityAlliance(1),
                ItemScope.Alliance, DateOnly.FromDateTime(DateTime.UtcNow.AddDays(30)), null), null, CancellationToken.None));

        // the network comes back: Blazor's next attempt gets through, the banner goes and the board follows again
        await page.UnrouteAllAsync();
        Volatile.Write(ref offline, false);
        await page.RouteWebSocketAsync(new Regex("/_blazor"), ws => { ws.ConnectToServer(); });
        await Assertions.Expect(banner).ToBeHiddenAsync(new() { Timeout = 40_000 });
        await Assertions.Expect(live).ToBeVisibleAsync();
        await Assertions.Expect(live).ToHaveAttributeAsync("data-following", "true");
        // and what changed while it was away is on the page without a reload
        await Assertions.Expect(page.Locator("[data-testid=board-card]", new() { HasText = title })).ToBeVisibleAsync();
        await UiServer.ScreenshotAsync(page, "board-reconnected");
        await page.Context.CloseAsync();
    }
}
