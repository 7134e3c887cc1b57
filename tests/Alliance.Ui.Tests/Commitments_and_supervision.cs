using System.Net.Http.Json;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Items;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Alliance.Ui.Tests;

/// <summary>共建承诺 and 督办 on a phone: the pages run CommitmentOperations and SupervisionOperations, scoped as the API.</summary>
[Collection(SharedUi.Name)]
public sealed class Commitments_and_supervision(UiServer ui)
{
    private const string OwnDraft = "党员活动室向社区开放";
    private const string OtherUnitsDraft = "专家义诊进社区";

    [Fact]
    public async Task A_unit_contact_finds_its_draft_commitment_and_submits_it_to_the_alliance()
    {
        var page = await ui.PhoneAsync(DemoUsers.UnitContact);
        await page.ClickAsync("nav a[href='/commitments']");
        var list = page.Locator("[data-testid=commitment-list]");
        await Assertions.Expect(list).ToContainTextAsync(OwnDraft);
        await Assertions.Expect(list).Not.ToContainTextAsync(OtherUnitsDraft);
        await UiServer.ScreenshotAsync(page, "unit-contact-commitments");

        await page.ClickAsync($"a.title:has-text('{OwnDraft}')");
        await Assertions.Expect(page.Locator("[data-testid=commitment-title]")).ToHaveTextAsync(OwnDraft);
        await Assertions.Expect(page.Locator("[data-testid=commitment-status]")).ToHaveTextAsync("草稿");
        await page.ClickAsync("form[data-testid=submit-commitment] button[type=submit]");

        await Assertions.Expect(page.Locator("[data-testid=commitment-done]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=commitment-status]")).ToHaveTextAsync("待联盟确认");
        await Assertions.Expect(page.Locator("form[data-testid=submit-commitment]")).ToHaveCountAsync(0);
        await UiServer.ScreenshotAsync(page, "unit-contact-commitment-submitted");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_unit_contact_drafts_a_commitment_with_errors_beside_the_fields_edits_it_and_submits_it()
    {
        var title = "每季度开展一次社区税法宣讲 " + Guid.NewGuid().ToString("N")[..6];
        var page = await ui.PhoneAsync(DemoUsers.UnitContact);
        await page.GotoAsync("/commitments");
        await page.ClickAsync("[data-testid=new-commitment]");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("作出承诺");

        // nothing filled in: every required field is named beside it, and nothing is stored
        await page.ClickAsync("form[data-testid=commitment-form] button[type=submit]");
        await Assertions.Expect(page.Locator(".field-error[data-field=title]")).ToContainTextAsync("承诺事项");
        await Assertions.Expect(page.Locator(".field-error[data-field=targetQuantity]")).ToContainTextAsync("目标数量");
        await Assertions.Expect(page.Locator(".field-error[data-field=responsiblePerson]")).ToContainTextAsync("责任人");
        await MeetingsKit.AssertFitsAsync(page);
        await UiServer.ScreenshotAsync(page, "commitment-draft-errors");

        await page.SelectOptionAsync("#allianceId", new SelectOptionValue { Label = DemoRegion.CommunityAllianceName(1) });
        await page.FillAsync("#title", title);
        await page.FillAsync("#category", "法律");
        await page.FillAsync("#targetQuantity", "4");
        await page.FillAsync("#targetUnit", "场次");
        await page.FillAsync("#schedule", "每季度一次");
        await page.FillAsync("#responsiblePerson", "林晓东");
        await page.ClickAsync("form[data-testid=commitment-form] button[type=submit]");
        await Assertions.Expect(page.Locator("[data-testid=commitment-title]")).ToHaveTextAsync(title);
        await Assertions.Expect(page.Locator("[data-testid=commitment-status]")).ToHaveTextAsync("草稿");

        // the draft is changed before it is submitted
        await page.ClickAsync("[data-testid=edit-commitment]");
        await Assertions.Expect(page.Locator("#title")).ToHaveValueAsync(title);
        await page.FillAsync("#targetQuantity", "6");
        await page.ClickAsync("form[data-testid=commitment-form] button[type=submit]");
        await Assertions.Expect(page.Locator("[data-testid=commitment-title]")).ToHaveTextAsync(title);
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("6");

        await page.ClickAsync("form[data-testid=submit-commitment] button[type=submit]");
        await Assertions.Expect(page.Locator("[data-testid=commitment-status]")).ToHaveTextAsync("待联盟确认");
        await Assertions.Expect(page.Locator("[data-testid=edit-commitment]")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Another_units_draft_is_not_listed_and_opened_by_url_shows_not_found()
    {
        var secretary = await ui.PhoneAsync(DemoUsers.CommunitySecretary);
        await secretary.GotoAsync("/commitments");
        await Assertions.Expect(secretary.Locator("h1")).ToHaveTextAsync("共建承诺");
        Assert.DoesNotContain(OtherUnitsDraft, await secretary.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await secretary.Context.CloseAsync();

        var stranger = await ui.PhoneAsync(DemoUsers.OtherUnitContact);
        var response = await stranger.GotoAsync($"/commitments/{DemoRegion.Commitment(1).Value}");
        Assert.Equal(404, response!.Status);
        await Assertions.Expect(stranger.Locator("[data-testid=not-found]")).ToBeVisibleAsync();
        await stranger.Context.CloseAsync();
    }

    [Fact]
    public async Task A_street_chair_sees_the_supervision_of_her_street_and_not_of_the_other_street()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var ours = await SubmitAsync(DemoUsers.StreetChair, 1, "东湖街道逾期事项 " + suffix);
        var theirs = await SubmitAsync(DemoUsers.OtherStreetChair, 2, "西岭街道逾期事项 " + suffix);
        await SuperviseAsync(ours, DemoRegion.Street(1));
        await SuperviseAsync(theirs, DemoRegion.Street(2));

        var chair = await ui.PhoneAsync(DemoUsers.StreetChair);
        await chair.ClickAsync("nav a[href='/supervision']");
        var list = chair.Locator("[data-testid=supervision-list]");
        await Assertions.Expect(list).ToContainTextAsync("东湖街道逾期事项 " + suffix);
        await Assertions.Expect(list).Not.ToContainTextAsync("西岭街道逾期事项 " + suffix);
        await Assertions.Expect(list.Locator("[data-testid=supervision]", new() { HasText = suffix }).Locator(".tag.overdue")).ToContainTextAsync("已逾期");
        await UiServer.ScreenshotAsync(chair, "street-chair-supervision");
        await chair.Context.CloseAsync();

        var contact = await ui.PhoneAsync(DemoUsers.UnitContact);
        await Assertions.Expect(contact.Locator("nav a[href='/supervision']")).ToHaveCountAsync(0);
        await contact.GotoAsync("/supervision");
        Assert.DoesNotContain(suffix, await contact.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await contact.Context.CloseAsync();
    }

    private async Task<ItemId> SubmitAsync(string user, int street, string title)
    {
        using var client = ui.CreateClient();
        using var token = await client.PostAsJsonAsync("/api/auth/token", new { userName = user, password = DemoUsers.Password });
        token.EnsureSuccessStatusCode();
        client.DefaultRequestHeaders.Authorization = new("Bearer", (await token.Content.ReadFromJsonAsync<Token>())!.AccessToken);
        using var submitted = await client.PostAsJsonAsync("/api/items", new
        {
            kind = "deliberation", title, description = "逾期未办，转街道督办。", category = "其他", allianceId = DemoRegion.StreetAlliance(street).Value,
        });
        submitted.EnsureSuccessStatusCode();
        return new ItemId((await submitted.Content.ReadFromJsonAsync<Submitted>())!.Id);
    }

    /// <summary>The route raises a 督办 entry after the grace period; the test writes one as it would, a day overdue.</summary>
    private async Task SuperviseAsync(ItemId item, Alliance.Server.Features.Organisations.OrganisationId street)
    {
        await using var scope = ui.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var now = DateTime.UtcNow;
        db.Add(new SupervisionEntry
        {
            Id = Guid.NewGuid(), ItemId = item, TaskId = Guid.NewGuid(), StreetId = street, ResponsibleOrganisationId = DemoRegion.Unit(1),
            DeadlineUtc = now.AddDays(-1), CreatedUtc = now,
        });
        await db.SaveChangesAsync();
    }

    private sealed record Token(string AccessToken);

    private sealed record Submitted(Guid Id);
}
