using Alliance.Server.Features.Assessments;
using Alliance.Server.Features.Demo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Alliance.Ui.Tests;

/// <summary>
/// 年度考核 on a phone: the street's chair computes a year and publishes it; a unit reads its own score, follows a point
/// to the ledger entries behind it, and objects (an empty reason is refused beside the field); the chair upholds it with
/// an adjustment and the unit sees the ruling and its new total. Each side's open page shows the other's step without reload.
/// </summary>
[Collection(SharedUi.Name)]
public sealed class Assessing_a_year(UiServer ui)
{
    private static readonly LocatorAssertionsToBeEnabledOptions Interactive = new() { Timeout = 20_000 };

    [Fact]
    public async Task The_chair_publishes_the_scores_a_unit_objects_with_its_evidence_in_hand_and_the_chair_rules()
    {
        var chair = await ui.PhoneAsync(DemoUsers.StreetChair);
        await chair.GotoAsync("/reports/assessments");
        await Assertions.Expect(chair.Locator("[data-testid=compute]")).ToBeEnabledAsync(Interactive);

        // a year not yet begun: refused beside the field, nothing computed
        await chair.FillAsync("[data-testid=compute-year]", "2099");
        await chair.ClickAsync("[data-testid=compute]");
        await Assertions.Expect(chair.Locator("[data-testid=compute-form] .field-error[data-field=year]")).ToContainTextAsync("考核年度须在", new() { Timeout = 20_000 });

        // this year (China time), so the scores come from the demo region's work and the other journeys' (the screenshot shows them)
        var year = DateTime.UtcNow.AddHours(8).Year.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await chair.FillAsync("[data-testid=compute-year]", year);
        await chair.ClickAsync("[data-testid=compute]");
        await Assertions.Expect(chair.Locator("h1")).ToHaveTextAsync($"东湖街道大党工委{year}年度考核", new() { Timeout = 20_000 });
        await Assertions.Expect(chair.Locator("[data-testid=assessment-state]")).ToHaveAttributeAsync("data-status", "draft", new() { Timeout = 20_000 });
        await Assertions.Expect(chair.Locator("[data-testid=scores-communities] > li")).ToHaveCountAsync(3, new() { Timeout = 20_000 });
        await Assertions.Expect(chair.Locator("[data-testid=assessment-lines] li").First).ToContainTextAsync("承诺共建事项", new() { Timeout = 20_000 });
        await Assertions.Expect(chair.Locator("[data-testid=chair-actions]")).ToHaveAttributeAsync("data-interactive", "true", new() { Timeout = 20_000 });
        await UiServer.ScreenshotAsync(chair, "street-chair-assessment-draft");
        await chair.ClickAsync("[data-testid=publish]");
        await Assertions.Expect(chair.Locator("[data-testid=assessment-state]")).ToHaveAttributeAsync("data-status", "published", new() { Timeout = 20_000 });
        var id = Guid.Parse(chair.Url.Split('/')[^1]);

        // 林晓东 (unit 1): only its own score, each criterion with its evidence
        var unit = await ui.PhoneAsync(DemoUsers.UnitContact);
        await unit.GotoAsync($"/reports/assessments/{id}");
        var own = unit.Locator("[data-testid=score]");
        await Assertions.Expect(own).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await Assertions.Expect(own).ToHaveAttributeAsync("data-organisation", DemoRegion.Unit(1).Value.ToString(), new() { Timeout = 20_000 });
        await Assertions.Expect(own.Locator("[data-testid=criterion]")).ToHaveCountAsync(5, new() { Timeout = 20_000 });
        await Assertions.Expect(unit.Locator("[data-testid=assessment-lines]")).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        await Assertions.Expect(unit.Locator("[data-testid=object]")).ToHaveAttributeAsync("data-interactive", "true", new() { Timeout = 20_000 });
        await UiServer.ScreenshotAsync(unit, "unit-contact-assessment-score");
        var report = await unit.RunAndWaitForDownloadAsync(() => unit.ClickAsync("[data-testid=download-docx]"));
        Assert.Equal($"东湖街道大党工委{year}年度考核.docx", report.SuggestedFilename);

        // an objection without a reason: refused beside the field
        await unit.ClickAsync("[data-testid=object-submit]");
        await Assertions.Expect(unit.Locator("[data-testid=object] .field-error[data-field=reason]")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Assertions.Expect(unit.Locator("[data-testid=objection]")).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        await unit.SelectOptionAsync("[data-testid=object-criterion]", "sharing");
        await unit.FillAsync("[data-testid=object-reason]", "我单位全年开放会议室，台账漏记。");
        await unit.ClickAsync("[data-testid=object-submit]");
        await Assertions.Expect(unit.Locator("[data-testid=objection]")).ToHaveAttributeAsync("data-status", "open", new() { Timeout = 20_000 });
        await Assertions.Expect(unit.Locator("[data-testid=object]")).ToHaveCountAsync(1, new() { Timeout = 20_000 });

        // the evidence of a point is the unit's own ledger of that year
        await own.Locator("[data-criterion=sharing] [data-testid=evidence]").ClickAsync();
        await unit.WaitForURLAsync(url => url.Contains("/ledger?section=bookings", StringComparison.Ordinal), new() { Timeout = 20_000 });
        Assert.Contains($"organisation={DemoRegion.Unit(1).Value}", unit.Url, StringComparison.Ordinal);
        await Assertions.Expect(unit.Locator("[data-testid=ledger-total]")).ToBeVisibleAsync(new() { Timeout = 20_000 });

        // the chair's page, open all along, shows the objection without reload; the unit opens its score again to follow it
        await Assertions.Expect(chair.Locator("[data-testid=objection]")).ToHaveAttributeAsync("data-status", "open", new() { Timeout = 20_000 });
        await Assertions.Expect(chair.Locator("[data-testid=rule]")).ToHaveAttributeAsync("data-interactive", "true", new() { Timeout = 20_000 });
        await unit.GotoAsync($"/reports/assessments/{id}");
        await MeetingsKit.WaitUntilLiveAsync(unit);

        // the chair upholds it with 3 points; the unit sees the ruling and its new total without reload
        await chair.FillAsync("[data-testid=rule-adjustment]", "3");
        await chair.FillAsync("[data-testid=rule-text]", "经核实，会议室开放记录漏记，加 3 分。");
        await chair.ClickAsync("[data-testid=rule-submit]");
        await Assertions.Expect(chair.Locator("[data-testid=objection]")).ToHaveAttributeAsync("data-status", "upheld", new() { Timeout = 20_000 });

        await Assertions.Expect(unit.Locator("[data-testid=ruling]")).ToContainTextAsync("加 3 分", new() { Timeout = 20_000 });
        await Assertions.Expect(unit.Locator("[data-testid=score-adjustment]")).ToContainTextAsync("异议调整 +3", new() { Timeout = 20_000 });
        var total = await ui.AsAsync(DemoUsers.UnitContact, async (services, scope) =>
            (await services.GetRequiredService<AssessmentOperations>().ScoreAsync(scope, id, DemoRegion.Unit(1), CancellationToken.None)).Total);
        await Assertions.Expect(unit.Locator("[data-testid=score-total]")).ToContainTextAsync(AssessmentTextOf(total), new() { Timeout = 20_000 });

        // another street's unit: the not-found page, as the API's 404
        var other = await ui.PhoneAsync(DemoUsers.OtherUnitContact);
        await other.GotoAsync($"/reports/assessments/{id}");
        await Assertions.Expect(other.Locator("[data-testid=not-found]")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await chair.Context.CloseAsync();
        await unit.Context.CloseAsync();
        await other.Context.CloseAsync();
    }

    private static string AssessmentTextOf(double? total) => total is { } t ? t.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) : "—";
}
