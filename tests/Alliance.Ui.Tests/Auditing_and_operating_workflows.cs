using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Items;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Workflows.Model;
using Alliance.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Alliance.Ui.Tests;

/// <summary>
/// 审计 and 流程运维 in the browser, as the district administrator: the trail filtered to one family of actions, the
/// hash chain verified with one tap and the verdict shown; the live definitions with a definition's route, a bad instance
/// id refused beside its box, an instance opened and cancelled with a reason. The street chair gets the API's 403 in
/// words on both pages, and an unknown instance is the same not-found page as the API's 404.
/// </summary>
[Collection(SharedUi.Name)]
public sealed class Auditing_and_operating_workflows(UiServer ui)
{
    [Fact]
    public async Task The_district_administrator_filters_the_trail_and_verifies_the_chain()
    {
        var admin = await ui.PhoneAsync(DemoUsers.DistrictAdmin);
        await admin.ClickAsync("nav a[href='/admin']");
        await admin.ClickAsync("main a[href='/admin/audit']");
        await Assertions.Expect(admin.Locator("h1")).ToHaveTextAsync("审计");

        await admin.SelectOptionAsync("[data-testid=filter-action]", "demo.");
        await admin.ClickAsync("[data-testid=audit-filters] button[type=submit]");
        await Assertions.Expect(admin.Locator("[data-testid=audit-entry]").First).ToBeVisibleAsync();
        Assert.All(await admin.Locator("[data-testid=audit-entry]").EvaluateAllAsync<string[]>("es => es.map(e => e.dataset.action)"),
            action => Assert.StartsWith("demo.", action, StringComparison.Ordinal));

        await admin.ClickAsync("[data-testid=verify]");
        await Assertions.Expect(admin.Locator("[data-testid=verification]")).ToContainTextAsync("审计链完整");
        await MeetingsKit.AssertFitsAsync(admin);
        await UiServer.ScreenshotAsync(admin, "admin-audit-verified");
        await admin.Context.CloseAsync();
    }

    [Fact]
    public async Task The_district_administrator_reads_a_definitions_route_and_cancels_an_instance()
    {
        var runtime = ui.Services.GetRequiredService<WorkflowRuntime>();
        var instance = await runtime.StartAsync("sample-review", new JsonObject { ["itemId"] = "ui-" + Guid.NewGuid().ToString("N")[..6], ["communityId"] = "c-1" });
        var admin = await ui.PhoneAsync(DemoUsers.DistrictAdmin);
        await admin.GotoAsync("/admin/workflows");
        await Assertions.Expect(admin.Locator("h1")).ToHaveTextAsync("流程运维");
        await MeetingsKit.WaitUntilInteractiveAsync(admin);
        await Assertions.Expect(admin.Locator("[data-testid=definition][data-definition=deliberation]").First).ToBeVisibleAsync();

        await admin.ClickAsync("[data-testid=open-instance]");
        await Assertions.Expect(admin.Locator(".field-error[data-field=instanceId]")).ToContainTextAsync("请填写流程实例编号");
        await admin.FillAsync("[data-testid=instance-id]", instance.Value.ToString());
        await admin.ClickAsync("[data-testid=open-instance]");
        await Assertions.Expect(admin.Locator("[data-testid=instance-status]")).ToHaveTextAsync("等待中");
        await MeetingsKit.WaitUntilInteractiveAsync(admin);
        await Assertions.Expect(admin.Locator("[data-testid=route-step][data-state=current]")).ToHaveCountAsync(1);
        await admin.FillAsync("#cancel-reason", "重复提交");
        await admin.ClickAsync("[data-testid=cancel]");
        await Assertions.Expect(admin.Locator("[data-testid=instance-message]")).ToHaveTextAsync("流程已取消。");
        await Assertions.Expect(admin.Locator("[data-testid=instance-status]")).ToHaveTextAsync("已取消");
        await Assertions.Expect(admin.Locator("[data-testid=instance-actions]")).ToHaveCountAsync(0);
        await MeetingsKit.AssertFitsAsync(admin);
        await UiServer.ScreenshotAsync(admin, "admin-workflow-instance-cancelled");

        await admin.GotoAsync("/admin/workflows");
        await admin.ClickAsync("[data-testid=definition][data-definition=deliberation] a.title");
        await Assertions.Expect(admin.Locator("[data-testid=route-step]").First).ToBeVisibleAsync();
        await Assertions.Expect(admin.Locator("[data-testid=route-step][data-state=ahead]").First).ToBeVisibleAsync();
        await MeetingsKit.AssertFitsAsync(admin);
        await UiServer.ScreenshotAsync(admin, "admin-workflow-definition");

        var unknown = await admin.GotoAsync($"/admin/workflows/instances/{Guid.NewGuid()}");
        Assert.Equal(404, unknown!.Status);
        await Assertions.Expect(admin.Locator("[data-testid=not-found]")).ToBeVisibleAsync();
        await admin.Context.CloseAsync();
    }

    [Fact]
    public async Task The_district_administrator_migrates_an_items_route_to_another_version_after_a_refused_activity_map()
    {
        var instance = await ui.DeliberationRouteAsync("迁移测试事项");
        var admin = await ui.PhoneAsync(DemoUsers.DistrictAdmin);
        await admin.GotoAsync($"/admin/workflows/instances/{instance}");
        await MeetingsKit.WaitUntilInteractiveAsync(admin);
        await Assertions.Expect(admin.Locator("[data-testid=instance-definition]")).ToHaveTextAsync("deliberation@v3");
        var intake = admin.Locator("[data-testid=migrate-map][data-activity=intake]");
        await Assertions.Expect(admin.Locator("[data-testid=migrate-version]")).ToHaveValueAsync("2");
        await Assertions.Expect(intake).ToHaveValueAsync("intake");

        await intake.SelectOptionAsync("start");
        await admin.ClickAsync("[data-testid=migrate]");
        await Assertions.Expect(admin.Locator("[data-testid=migrate-refused]")).ToContainTextAsync("无法迁移：");
        await Assertions.Expect(admin.Locator("[data-testid=instance-definition]")).ToHaveTextAsync("deliberation@v3");
        await UiServer.ScreenshotAsync(admin, "admin-workflow-migration-refused");

        await intake.SelectOptionAsync("intake");
        await admin.ClickAsync("[data-testid=migrate]");
        await Assertions.Expect(admin.Locator("[data-testid=instance-message]")).ToHaveTextAsync("已迁移到第 2 版。");
        await Assertions.Expect(admin.Locator("[data-testid=instance-definition]")).ToHaveTextAsync("deliberation@v2");
        await Assertions.Expect(admin.Locator("[data-testid=migrate-version] option[value='2']")).ToHaveCountAsync(0);
        await MeetingsKit.AssertFitsAsync(admin);
        await UiServer.ScreenshotAsync(admin, "admin-workflow-migrated");
        await admin.Context.CloseAsync();
    }

    [Fact]
    public async Task A_workflow_dead_letter_is_replayed_with_one_tap_and_leaves_the_list()
    {
        var stimulus = "ui-dead-" + Guid.NewGuid().ToString("N")[..8];
        await ui.AsAsync(DemoUsers.DistrictAdmin, async (services, _) =>
        {
            var db = services.GetRequiredService<AllianceDbContext>();
            var now = DateTime.UtcNow;
            db.Set<PendingStimulus>().Add(new PendingStimulus
            {
                StimulusId = stimulus, StimulusType = "ui.nobody-waits", CorrelationKey = stimulus, ReceivedUtc = now.AddDays(-2),
                ExpiresUtc = now.AddDays(-1), DeadLetteredUtc = now.AddDays(-1),
            });
            return await db.SaveChangesAsync();
        });
        var admin = await ui.PhoneAsync(DemoUsers.DistrictAdmin);
        await admin.GotoAsync("/admin/workflows");
        await MeetingsKit.WaitUntilInteractiveAsync(admin);
        var letter = admin.Locator($"[data-testid=workflow-dead-letter][data-stimulus='{stimulus}']");
        await Assertions.Expect(letter).ToContainTextAsync("ui.nobody-waits");
        await UiServer.ScreenshotAsync(admin, "admin-workflows");

        await letter.Locator("[data-testid=replay]").ClickAsync();
        await Assertions.Expect(admin.Locator("[data-testid=replay-message]")).ToHaveTextAsync("已重新投递，仍无等待的环节，消息重新排队。");
        await Assertions.Expect(letter).ToHaveCountAsync(0);
        await admin.Context.CloseAsync();
    }

    [Fact]
    public async Task The_street_chair_gets_the_apis_forbidden_on_the_audit_and_workflow_pages()
    {
        var chair = await ui.PhoneAsync(DemoUsers.StreetChair);
        await chair.GotoAsync("/admin");
        await Assertions.Expect(chair.Locator("main a[href='/admin/audit']")).ToHaveCountAsync(0);
        await Assertions.Expect(chair.Locator("main a[href='/admin/workflows']")).ToHaveCountAsync(0);

        await chair.GotoAsync("/admin/audit");
        await Assertions.Expect(chair.Locator("[data-testid=audit-refused]")).ToHaveTextAsync("仅区级管理员可执行此操作。");
        await Assertions.Expect(chair.Locator("[data-testid=audit-entry]")).ToHaveCountAsync(0);
        await chair.GotoAsync("/admin/audit?verify=1");
        await Assertions.Expect(chair.Locator("[data-testid=verification]")).ToHaveCountAsync(0);
        await chair.GotoAsync("/admin/workflows");
        await Assertions.Expect(chair.Locator("[data-testid=workflows-refused]")).ToHaveTextAsync("仅区级管理员可执行此操作。");
        await chair.Context.CloseAsync();
    }
}

internal static class WorkflowsKit
{
    /// <summary>The route (workflow instance) of a new deliberation item of the first community alliance, submitted by its secretary: it waits at intake, on the latest version.</summary>
    public static Task<Guid> DeliberationRouteAsync(this UiServer ui, string title) =>
        ui.AsAsync(DemoUsers.CommunitySecretary, async (services, scope) =>
        {
            var submitted = await services.GetRequiredService<ItemOperations>().SubmitAsync(scope, new ItemsApi.SubmitItemRequest(
                ItemKind.Deliberation, title + " " + Guid.NewGuid().ToString("N")[..6], "社区拟与成员单位共议辖区停车难问题。", "养老",
                DemoRegion.CommunityAlliance(1), ItemScope.Alliance, DateOnly.FromDateTime(DateTime.UtcNow.AddDays(30)), null), null, CancellationToken.None);
            return await services.GetRequiredService<AllianceDbContext>().Set<Item>().AsNoTracking()
                .Where(i => i.Id == submitted.Item.Id).Select(i => i.WorkflowInstanceId).SingleAsync();
        });
}
