using Alliance.Server.Features.Demo;
using Microsoft.Playwright;

namespace Alliance.Ui.Tests;

/// <summary>转交 in the inbox, on a 360×740 phone: the holder of a task hands it to a colleague of the same unit (TaskOperations.DelegateAsync, as the API).</summary>
[Collection(SharedUi.Name)]
public sealed class Handing_a_task_over(UiServer ui)
{
    [Fact]
    public async Task A_unit_contact_hands_a_held_task_to_a_colleague_who_then_has_it_and_it_leaves_the_contacts_inbox()
    {
        var title = "东湖税务所税法宣传进小区 " + Guid.NewGuid().ToString("N")[..6];
        await ui.JointTaskOfUnitOneAsync(title, "请成员单位协助社区开展税法宣传进小区活动。", ("claim", "accept", null), ("work", null, null));
        var contact = await ui.PhoneAsync(DemoUsers.UnitContact);
        await contact.GotoAsync("/tasks");
        await Assertions.Expect(contact.Locator("[data-testid=live-state]")).ToHaveAttributeAsync("data-following", "true");
        var card = contact.Locator("[data-testid=task]", new() { HasText = title });

        await card.Locator("[data-testid=hand-over]").ClickAsync();

        // The form lists the colleagues of the unit (not the contact), and refuses to hand over to nobody.
        var form = card.Locator("[data-testid=hand-over-form]");
        await Assertions.Expect(form).ToBeVisibleAsync();
        var to = form.Locator("[data-testid=hand-over-to]");
        var colleague = DemoRegion.Person(DemoUsers.UnitSecretary).ToString();
        await Assertions.Expect(to.Locator($"option[value='{colleague}']")).ToContainTextAsync("马云飞");
        await Assertions.Expect(to.Locator($"option[value='{DemoRegion.Person(DemoUsers.UnitContact)}']")).ToHaveCountAsync(0);
        await form.Locator("[data-testid=hand-over-confirm]").ClickAsync();
        await Assertions.Expect(contact.Locator("[data-testid=task-error]")).ToContainTextAsync("接收人");

        await to.SelectOptionAsync(colleague);
        await form.Locator("[data-testid=hand-over-note]").FillAsync("请马书记牵头办理");
        await UiServer.ScreenshotAsync(contact, "task-hand-over");
        await form.Locator("[data-testid=hand-over-confirm]").ClickAsync();

        await Assertions.Expect(contact.Locator("[role=status].notice")).ToContainTextAsync("已转交给马云飞");
        await Assertions.Expect(card).ToHaveCountAsync(0);

        // The colleague finds it in their inbox and can finish it.
        var secretary = await ui.PhoneAsync(DemoUsers.UnitSecretary);
        await secretary.GotoAsync("/tasks");
        var theirs = secretary.Locator("[data-testid=task]", new() { HasText = title });
        await Assertions.Expect(theirs).ToBeVisibleAsync();
        await Assertions.Expect(theirs.Locator("[data-testid=complete], [data-testid=claim]")).ToHaveCountAsync(1);
        await contact.Context.CloseAsync();
        await secretary.Context.CloseAsync();
    }
}
