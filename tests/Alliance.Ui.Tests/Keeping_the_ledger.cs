using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Ledger;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MiniExcelLibs;

namespace Alliance.Ui.Tests;

/// <summary>
/// 台账 on a 360×740 phone: a community secretary reads the ledger of her alliances section by section (the rows
/// LedgerOperations gives her scope), exports a section and watches the export become ready on the page (its progress
/// arrives on her own stream), then downloads the .xlsx and reads it back; a unit contact reads the items it holds a
/// task of and is refused a whole alliance.
/// </summary>
[Collection(SharedUi.Name)]
public sealed class Keeping_the_ledger(UiServer ui)
{
    [Fact]
    public async Task A_secretary_reads_the_ledger_exports_a_section_sees_it_become_ready_live_and_downloads_the_xlsx()
    {
        var title = "台账导出 " + Guid.NewGuid().ToString("N")[..6];
        var item = await ui.JointTaskOfUnitOneAsync(title, "为台账导出准备的一件实事。", ("claim", "accept", null));
        var expected = await ui.AsAsync(DemoUsers.CommunitySecretary, (services, scope) =>
            services.GetRequiredService<LedgerOperations>().PageAsync(scope, new LedgerFilter("items"), 1, 20, CancellationToken.None));
        var page = await ui.PhoneAsync(DemoUsers.CommunitySecretary);
        await page.ClickAsync("nav a[href='/ledger']");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("台账");
        await Assertions.Expect(page.Locator("[data-testid=section-items]")).ToHaveAttributeAsync("aria-current", "page");
        await Assertions.Expect(page.Locator("[data-testid=ledger-total]")).ToHaveTextAsync($"共 {expected.Total} 条");
        await Assertions.Expect(page.Locator("[data-testid=ledger-rows] > li")).ToHaveCountAsync(expected.Rows.Count);
        await Assertions.Expect(page.Locator("[data-testid=ledger-rows] > li").First).ToContainTextAsync((string)expected.Rows[0][1]!);
        await MeetingsKit.AssertFitsAsync(page);
        await UiServer.ScreenshotAsync(page, "ledger-items");

        // open items of the joint tasks only: the new one is among them
        await page.SelectOptionAsync("select[name=status]", "open");
        await page.SelectOptionAsync("select[name=kind]", "jointTask");
        await page.ClickAsync("form[data-testid=ledger-filters] button[type=submit]");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("kind=jointTask"));
        var total = await ui.AsAsync(DemoUsers.CommunitySecretary, async (services, scope) =>
            (await services.GetRequiredService<LedgerOperations>().PageAsync(scope, new LedgerFilter("items", Status: "open", Kind: "jointTask"), 1, 1, CancellationToken.None)).Total);
        await Assertions.Expect(page.Locator("[data-testid=ledger-total]")).ToHaveTextAsync($"共 {total} 条");
        await MeetingsKit.WaitUntilLiveAsync(page);

        var exports = page.Locator("[data-testid=exports] > li");
        var before = await exports.CountAsync();
        await page.ClickAsync("[data-testid=export]");
        await Assertions.Expect(exports).ToHaveCountAsync(before + 1);
        var export = exports.First;
        await Assertions.Expect(export).ToHaveAttributeAsync("data-status", "ready", new() { Timeout = 30_000 });
        await MeetingsKit.AssertFitsAsync(page);
        await UiServer.ScreenshotAsync(page, "ledger-export-ready");

        var download = await page.RunAndWaitForDownloadAsync(() => export.Locator("[data-testid=export-file]").ClickAsync());
        Assert.EndsWith(".xlsx", download.SuggestedFilename, StringComparison.Ordinal);
        await using var file = new MemoryStream();
        await (await download.CreateReadStreamAsync()).CopyToAsync(file);
        file.Position = 0;
        Assert.Equal(["事项", "经过"], file.GetSheetNames());
        var rows = file.Query(useHeaderRow: true, sheetName: "事项").Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(total, rows.Count);
        var mine = Assert.Single(rows, r => (string?)r["编号"] == item.Value.ToString());
        Assert.Equal(title, mine["标题"]);
        Assert.Equal("实事共办", mine["议事规则"]);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_unit_contact_reads_the_items_it_holds_a_task_of_and_is_refused_a_whole_alliance()
    {
        var title = "单位台账 " + Guid.NewGuid().ToString("N")[..6];
        await ui.JointTaskOfUnitOneAsync(title, "由本单位认领的一件实事。", ("claim", "accept", null));
        var page = await ui.PhoneAsync(DemoUsers.UnitContact);
        await page.GotoAsync("/ledger?section=items&status=open");
        await Assertions.Expect(page.Locator("[data-testid=ledger-rows]")).ToContainTextAsync(title);
        await page.GotoAsync("/ledger?section=bookings");
        await Assertions.Expect(page.Locator("[data-testid=section-bookings]")).ToHaveAttributeAsync("aria-current", "page");
        await Assertions.Expect(page.Locator("[data-testid=ledger-total]")).ToBeVisibleAsync();

        await page.GotoAsync($"/ledger?section=items&alliance={DemoRegion.CommunityAlliance(1).Value}");
        await Assertions.Expect(page.Locator("[data-testid=ledger-error]")).ToContainTextAsync("共建单位只能查看本单位的数据");
        await UiServer.ScreenshotAsync(page, "ledger-unit-refused");
        await page.Context.CloseAsync();
    }
}
