using Alliance.Server.Features.Demo;
using Microsoft.Playwright;

namespace Alliance.Ui.Tests;

[Collection(SharedUi.Name)]
public sealed class Signing_in(UiServer ui)
{
    [Fact]
    public async Task A_wrong_password_shows_a_clear_message_in_chinese_and_stays_signed_out()
    {
        var page = await ui.PhoneAsync();
        await page.GotoAsync("/");

        await page.FillAsync("#userName", DemoUsers.CommunityStaff);
        await page.FillAsync("#password", "not-the-password");
        await page.ClickAsync("form[data-testid=signin-form] button[type=submit]");

        var error = page.Locator("[data-testid=signin-error]");
        await Assertions.Expect(error).ToHaveTextAsync("用户名或密码错误。");
        await Assertions.Expect(page.Locator("[data-testid=who]")).ToBeEmptyAsync();
        await UiServer.ScreenshotAsync(page, "signin-wrong-password");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_secretary_lands_on_her_items_and_the_unit_contact_on_the_task_inbox()
    {
        var secretary = await ui.PhoneAsync(DemoUsers.CommunitySecretary);
        Assert.EndsWith("/items", new Uri(secretary.Url).AbsolutePath, StringComparison.Ordinal);
        await UiServer.ScreenshotAsync(secretary, "secretary-items");

        var contact = await ui.PhoneAsync(DemoUsers.UnitContact);
        Assert.EndsWith("/tasks", new Uri(contact.Url).AbsolutePath, StringComparison.Ordinal);

        await secretary.Context.CloseAsync();
        await contact.Context.CloseAsync();
    }

    [Fact]
    public async Task Signing_out_returns_to_the_sign_in_page_and_pages_ask_to_sign_in_again()
    {
        var page = await ui.PhoneAsync(DemoUsers.CommunityStaff);

        await page.ClickAsync("form.signout button");
        await page.WaitForSelectorAsync("#userName");
        await page.GotoAsync("/items");

        await Assertions.Expect(page.Locator("#userName")).ToBeVisibleAsync();
        Assert.Contains("returnUrl=%2Fitems", page.Url, StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_person_changes_their_password_and_signs_in_with_the_new_one()
    {
        var page = await ui.PhoneAsync(DemoUsers.PartTimeMember);
        await page.GotoAsync("/account/password");

        await page.FillAsync("#currentPassword", "wrong-one");
        await page.FillAsync("#newPassword", "short");
        await page.ClickAsync("form[data-testid=password-form] button[type=submit]");
        await Assertions.Expect(page.Locator("#currentPassword-error")).ToHaveTextAsync("当前密码不正确。");

        await page.FillAsync("#currentPassword", DemoUsers.Password);
        await page.FillAsync("#newPassword", "Changed#Pass2026");
        await page.ClickAsync("form[data-testid=password-form] button[type=submit]");
        await Assertions.Expect(page.Locator("[data-testid=password-changed]")).ToBeVisibleAsync();

        var again = await ui.PhoneAsync();
        await UiServer.SignInAsync(again, DemoUsers.PartTimeMember, "Changed#Pass2026");
        await Assertions.Expect(again.Locator("[data-testid=who]")).ToHaveTextAsync(DemoUsers.PartTimeMember);
        await page.Context.CloseAsync();
        await again.Context.CloseAsync();
    }
}
