using System.Security.Claims;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Audit;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Meetings;
using Alliance.Server.Features.People;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Alliance.Ui.Tests;

/// <summary>
/// What the meeting tests prepare without a browser: feature operations called in-process as a demo person (the scope
/// resolved as a sign-in would resolve it, without spending one of the person's ten sign-ins a minute).
/// </summary>
internal static class MeetingsKit
{
    public static readonly TimeZoneInfo China = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>Runs <paramref name="work"/> in a fresh DI scope as <paramref name="userName"/>.</summary>
    public static async Task<T> AsAsync<T>(this UiServer ui, string userName, Func<IServiceProvider, AccessScope, Task<T>> work)
    {
        await using var scope = ui.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var user = await services.GetRequiredService<AllianceDbContext>().Set<AllianceUser>().AsNoTracking().SingleAsync(u => u.UserName == userName);
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new(ClaimTypes.NameIdentifier, user.Id.ToString()), new(ClaimTypes.Name, userName)], "test"));
        var access = await services.GetRequiredService<AccessScopeResolver>().ResolveAsync(principal);
        services.GetRequiredService<AccessScopeHolder>().Scope = access;
        return await work(services, access);
    }

    /// <summary>The first community alliance decides its decision items at its joint meeting (rules of procedure: decisionsAt = meeting).</summary>
    public static Task DecideAtMeetingsAsync(this UiServer ui) =>
        ui.AsAsync(DemoUsers.DistrictAdmin, async (services, scope) =>
        {
            var alliance = DemoRegion.CommunityAlliance(1);
            var db = services.GetRequiredService<AllianceDbContext>();
            var rules = await db.Alliances.AsNoTracking().Where(a => a.Id == alliance).Select(a => a.Rules).SingleAsync();
            rules.DecisionsAt = DecisionVenue.Meeting;
            await AllianceOperations.SetRulesAsync(alliance, rules, scope, db, services.GetRequiredService<AuditTrail>(), CancellationToken.None);
            return true;
        });

    /// <summary>A decision item of the first community alliance, submitted and accepted at intake by its secretary: it waits for a meeting.</summary>
    public static Task<ItemId> DecisionWaitingAsync(this UiServer ui, string title) =>
        ui.AsAsync(DemoUsers.CommunitySecretary, async (services, scope) =>
        {
            var submitted = await services.GetRequiredService<ItemOperations>().SubmitAsync(scope, new ItemsApi.SubmitItemRequest(
                ItemKind.Decision, title, "社区拟与成员单位共建，需联盟成员单位在联席会议上表决。", "养老", DemoRegion.CommunityAlliance(1), ItemScope.Alliance,
                DateOnly.FromDateTime(DateTime.UtcNow.AddDays(30)), null), null, CancellationToken.None);
            var tasks = services.GetRequiredService<TaskOperations>();
            var intake = (await tasks.InboxAsync(scope, CancellationToken.None)).Single(t => t.ItemId == submitted.Item.Id && t.Step == "intake");
            await tasks.CompleteAsync(scope, intake.Id, new TasksApi.CompleteTaskRequest("accept", null, null), CancellationToken.None);
            var status = await services.GetRequiredService<AllianceDbContext>().Set<Item>().AsNoTracking().Where(i => i.Id == submitted.Item.Id).Select(i => i.Status).SingleAsync();
            Assert.Equal("awaiting-meeting", status);
            return submitted.Item.Id;
        });

    public static async Task<int> CountMeetingsAsync(this UiServer ui)
    {
        await using var scope = ui.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AllianceDbContext>().Set<Meeting>().CountAsync();
    }

    /// <summary>A datetime-local value (China Standard Time) <paramref name="hours"/> from now, on the minute.</summary>
    public static string LocalInput(double hours)
    {
        var at = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow.AddHours(hours), China);
        return at.ToString("yyyy-MM-dd'T'HH':00'", System.Globalization.CultureInfo.InvariantCulture);
    }

    public static Task WaitUntilLiveAsync(IPage page) =>
        Assertions.Expect(page.Locator("[data-testid=live-state]")).ToHaveAttributeAsync("data-following", "true");

    /// <summary>Waits until an interactive page's circuit has rendered it (its <c>data-interactive</c> mark), so taps reach it.</summary>
    public static Task WaitUntilInteractiveAsync(IPage page) =>
        Assertions.Expect(page.Locator("[data-interactive=true]").First).ToBeAttachedAsync();

    public static async Task AssertFitsAsync(IPage page)
    {
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"{page.Url} scrolls sideways by {overflow}px at 360px");
    }
}
