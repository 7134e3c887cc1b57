using System.Net.Http.Json;
using Alliance.Server.Features.Demo;
using Microsoft.Playwright;

namespace Alliance.Ui.Tests;

[Collection(SharedUi.Name)]
public sealed class Scope_and_lockout(UiServer ui)
{
    [Fact]
    public async Task An_item_of_another_street_opened_by_url_shows_the_same_not_found_page_as_one_that_does_not_exist()
    {
        var elsewhere = await SubmitInTheOtherStreetAsync("西岭街道事项，东湖的人看不到 " + Guid.NewGuid().ToString("N")[..6]);
        var contact = await ui.PhoneAsync(DemoUsers.UnitContact);

        var outOfScope = await contact.GotoAsync($"/items/{elsewhere}");
        var outOfScopeText = await contact.Locator("[data-testid=not-found]").TextContentAsync();
        var missing = await contact.GotoAsync($"/items/{Guid.NewGuid()}");
        var missingText = await contact.Locator("[data-testid=not-found]").TextContentAsync();

        Assert.Equal(404, outOfScope!.Status);
        Assert.Equal(404, missing!.Status);
        Assert.Equal(missingText, outOfScopeText);
        await contact.Context.CloseAsync();
    }

    [Fact]
    public async Task Too_many_wrong_passwords_lock_the_account_with_a_message_that_says_so()
    {
        var page = await ui.PhoneAsync();
        var error = page.Locator("[data-testid=signin-error]");
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await page.GotoAsync("/");
            await page.FillAsync("#userName", DemoUsers.OtherCommunitySecretary); // no other UI test signs in as her (she stays locked out)
            await page.FillAsync("#password", $"wrong-{attempt}");
            await page.ClickAsync("form[data-testid=signin-form] button[type=submit]");
            await Assertions.Expect(error).ToBeVisibleAsync();
        }

        await Assertions.Expect(error).ToContainTextAsync("账号已被暂时锁定");
        await page.Context.CloseAsync();
    }

    private async Task<Guid> SubmitInTheOtherStreetAsync(string title)
    {
        using var client = ui.CreateClient();
        using var token = await client.PostAsJsonAsync("/api/auth/token", new { userName = DemoUsers.OtherStreetChair, password = DemoUsers.Password });
        token.EnsureSuccessStatusCode();
        var bearer = (await token.Content.ReadFromJsonAsync<Token>())!.AccessToken;
        client.DefaultRequestHeaders.Authorization = new("Bearer", bearer);
        using var submitted = await client.PostAsJsonAsync("/api/items", new
        {
            kind = "deliberation", title, description = "西岭街道内部事项。", category = "其他", allianceId = DemoRegion.StreetAlliance(2).Value,
        });
        submitted.EnsureSuccessStatusCode();
        return (await submitted.Content.ReadFromJsonAsync<Submitted>())!.Id;
    }

    private sealed record Token(string AccessToken);

    private sealed record Submitted(Guid Id);
}
