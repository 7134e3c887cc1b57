using System.Globalization;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Reports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Alliance.Ui.Tests;

/// <summary>统计 on a phone: the page runs ReportOperations in the caller's scope, and draws its charts as SVG on the server.</summary>
[Collection(SharedUi.Name)]
public sealed class Reading_the_figures(UiServer ui)
{
    [Fact]
    public async Task A_street_chair_reads_its_alliances_figures_with_charts_and_the_ranking_and_picks_one_alliance()
    {
        var year = DateTime.UtcNow.Year.ToString(CultureInfo.InvariantCulture);
        var expected = await ui.AsAsync(DemoUsers.StreetChair, (services, scope) =>
            services.GetRequiredService<ReportOperations>().FiguresAsync(scope, null, null, $"{year}-01", $"{year}-12", CancellationToken.None));
        var page = await ui.PhoneAsync(DemoUsers.StreetChair);
        await page.ClickAsync("nav a[href='/reports']");
        await page.FillAsync("input[name=from]", $"{year}-01");
        await page.FillAsync("input[name=to]", $"{year}-12");
        await page.ClickAsync("form[data-testid=report-filters] button[type=submit]");

        var headline = page.Locator("[data-testid=headline-figures]");
        await Assertions.Expect(headline).ToContainTextAsync($"提交事项{expected.Items.Raised.Total}");
        await Assertions.Expect(page.Locator("[data-testid=report-lines]")).ToContainTextAsync($"承诺共建事项 {expected.Commitments.Made} 项");
        await Assertions.Expect(page.Locator("[data-testid=trend-chart] svg path").First).ToBeAttachedAsync();
        Assert.Equal(expected.Organisations.Count, await page.Locator("[data-testid=ranking] > li").CountAsync());
        await UiServer.ScreenshotAsync(page, "street-chair-reports");

        // one alliance of the street: the community's
        await page.SelectOptionAsync("select[name=alliance]", DemoRegion.CommunityAlliance(1).Value.ToString());
        await page.ClickAsync("form[data-testid=report-filters] button[type=submit]");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("alliance=" + DemoRegion.CommunityAlliance(1).Value));
        await Assertions.Expect(headline).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_unit_contact_reads_only_its_own_figures_and_is_refused_an_alliance()
    {
        var page = await ui.PhoneAsync(DemoUsers.UnitContact);
        await page.GotoAsync("/reports");
        await Assertions.Expect(page.Locator("p.hint").First).ToContainTextAsync("本单位");
        await Assertions.Expect(page.Locator("select[name=alliance]")).ToHaveCountAsync(0);
        await UiServer.ScreenshotAsync(page, "unit-contact-reports");

        await page.GotoAsync($"/reports?alliance={DemoRegion.CommunityAlliance(1).Value}");
        await Assertions.Expect(page.Locator("[data-testid=report-error]")).ToContainTextAsync("共建单位只能查看本单位的数据");
        await page.Context.CloseAsync();
    }
}
