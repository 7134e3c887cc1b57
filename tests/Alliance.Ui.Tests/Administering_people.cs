using System.Net.Http.Json;
using Alliance.Server.Features.Demo;
using Microsoft.Playwright;

namespace Alliance.Ui.Tests;

/// <summary>
/// 人员与角色 in the browser: the street chair creates an account with a role for a unit of her street (bad input refused
/// beside each field), unlocks it after it locked itself with wrong passwords, resets its password (the person signs
/// in with the new one) and revokes its role; each change shows without reload.
/// </summary>
[Collection(SharedUi.Name)]
public sealed class Administering_people(UiServer ui)
{
    [Fact]
    public async Task The_street_chair_creates_unlocks_resets_and_revokes_an_account_of_her_street()
    {
        var user = "uiadmin" + Guid.NewGuid().ToString("N")[..6];
        var chair = await ui.PhoneAsync(DemoUsers.StreetChair);
        await chair.ClickAsync("nav a[href='/admin']");
        await chair.ClickAsync("main a[href='/admin/people']");
        await Assertions.Expect(chair.Locator("h1")).ToHaveTextAsync("人员与角色");
        await MeetingsKit.WaitUntilInteractiveAsync(chair);

        var create = chair.Locator("[data-testid=create-person]");
        await create.Locator("summary").ClickAsync();
        await create.Locator("[data-testid=create]").ClickAsync();
        await Assertions.Expect(create.Locator(".field-error[data-field=userName]")).ToContainTextAsync("用户名");
        await Assertions.Expect(create.Locator(".field-error[data-field=password]")).ToBeVisibleAsync();

        await chair.FillAsync("#new-userName", user);
        await chair.FillAsync("#new-displayName", "界面测试联络员");
        await chair.FillAsync("#new-password", "Strong#Pass2026");
        await create.Locator("[data-testid=role]").SelectOptionAsync("UnitContact");
        await create.Locator("[data-testid=organisation]").SelectOptionAsync(DemoRegion.Unit(5).Value.ToString());
        await create.Locator("[data-testid=create]").ClickAsync();
        await Assertions.Expect(chair.Locator("[data-testid=admin-done]")).ToContainTextAsync("账号已新建");
        var person = chair.Locator($"[data-testid=person][data-user='{user}']");
        await Assertions.Expect(person.Locator("[data-testid=grant]")).ToContainTextAsync("共建单位联络员");
        await chair.FillAsync("[data-testid=people-search]", user);
        await Assertions.Expect(chair.Locator("[data-testid=person]")).ToHaveCountAsync(1);
        await MeetingsKit.AssertFitsAsync(chair);

        // five wrong passwords lock the account; the chair unlocks it
        for (var i = 0; i < 6; i++)
        {
            await chair.Context.APIRequest.PostAsync("/api/auth/token", new() { DataObject = new { userName = user, password = "wrong-password-1" } });
        }

        await chair.ReloadAsync();
        await MeetingsKit.WaitUntilInteractiveAsync(chair);
        await chair.FillAsync("[data-testid=people-search]", user);
        await Assertions.Expect(person.Locator("[data-testid=locked]")).ToBeVisibleAsync();
        await person.Locator("[data-testid=unlock]").ClickAsync();
        await Assertions.Expect(person.Locator("[data-testid=locked]")).ToHaveCountAsync(0);

        await person.Locator("details.remove summary").ClickAsync();
        await person.Locator("[data-testid=new-password]").FillAsync("Another#Pass2026");
        await person.Locator("[data-testid=reset]").ClickAsync();
        await Assertions.Expect(chair.Locator("[data-testid=admin-done]")).ToContainTextAsync("已重置");
        var signIn = await chair.Context.APIRequest.PostAsync("/api/auth/token", new() { DataObject = new { userName = user, password = "Another#Pass2026" } });
        Assert.True(signIn.Ok, $"sign-in with the new password: {signIn.Status}");
        await UiServer.ScreenshotAsync(chair, "admin-people");

        await person.Locator("[data-testid=revoke]").ClickAsync();
        await Assertions.Expect(person).ToHaveCountAsync(0); // no role left in her street: she no longer sees the person
        await chair.Context.CloseAsync();
    }
}
