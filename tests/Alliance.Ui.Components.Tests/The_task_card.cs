using Alliance.Server.Features.Items;
using Alliance.Server.Features.Ui;
using Alliance.Server.Features.Ui.Pages;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Ui.Components.Tests;

/// <summary>
/// TaskCard, as 待办 shows an open task: the time left to its deadline or how long it is overdue (and the card marked),
/// urgent items marked, and the actions of the person looking: 认领 for a task nobody holds, the outcome form for their own.
/// </summary>
public sealed class The_task_card : ChineseComponentContext
{
    private static readonly DateTime Now = new(2026, 12, 7, 2, 0, 0, DateTimeKind.Utc);

    public The_task_card()
    {
        AddAuthorization();
        Services.AddSingleton<UiSession>(); // constructed for the card's actions; rendering calls none of them
    }

    [Fact]
    public void A_task_with_time_left_says_how_much_and_is_not_marked_overdue()
    {
        var card = Render<TaskCard>(p => p.Add(c => c.Task, Task(ItemKind.JointTask, Now.AddDays(1).AddHours(3), claimedBy: null)).Add(c => c.Me, "me").Add(c => c.Now, Now));

        var li = card.Find("li[data-testid=task]");
        Assert.DoesNotContain("overdue", li.ClassList);
        Assert.DoesNotContain("urgent", li.ClassList);
        Assert.Contains("剩 1 天 3 小时", li.TextContent, StringComparison.Ordinal);
        Assert.Empty(card.FindAll(".tag.overdue"));
        Assert.Equal("认领", card.Find("[data-testid=claim]").TextContent);
        Assert.Empty(card.FindAll("[data-testid=complete]"));
    }

    [Fact]
    public void A_task_past_its_deadline_is_marked_overdue_with_how_long()
    {
        var card = Render<TaskCard>(p => p.Add(c => c.Task, Task(ItemKind.Urgent, Now.AddHours(-2).AddMinutes(-30), claimedBy: null)).Add(c => c.Me, "me").Add(c => c.Now, Now));

        var li = card.Find("li[data-testid=task]");
        Assert.Contains("overdue", li.ClassList);
        Assert.Contains("urgent", li.ClassList);
        Assert.Equal("已逾期 2 小时 30 分", card.Find(".tag.overdue").TextContent);
        Assert.Equal("急事共商", card.Find(".tag.kind-urgent").TextContent);
    }

    [Fact]
    public void The_holder_gets_the_outcome_form_instead_of_claim()
    {
        var card = Render<TaskCard>(p => p.Add(c => c.Task, Task(ItemKind.JointTask, null, claimedBy: "me")).Add(c => c.Me, "me").Add(c => c.Now, Now));

        Assert.Empty(card.FindAll("[data-testid=claim]"));
        Assert.Equal(["受理", "上报督办"], card.FindAll("[data-testid=outcome] option").Select(o => o.TextContent));
        Assert.Equal("我已认领", card.FindAll(".meta span")[^1].TextContent);
        Assert.Single(card.FindAll("[data-testid=field-note]"));
        Assert.Single(card.FindAll("[data-testid=complete]"));
    }

    private static TasksApi.TaskView Task(ItemKind kind, DateTime? deadline, string? claimedBy) => new(
        Guid.NewGuid(), new ItemId(Guid.NewGuid()), kind, "社区养老服务站共建", "intake", "受理审核", "Intake review", "secretary",
        [], claimedBy, deadline, false, ["accept", "escalate"], [new TasksApi.FieldView("note", "text", false, 500, null, null, null)]);
}
