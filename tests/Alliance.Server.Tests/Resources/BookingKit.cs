using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Resources;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Server.Tests.Items;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Server.Tests.Resources;

/// <summary>Helpers for booking shared resources through HTTP as the demo users. Times are Beijing time; the fake clock starts Monday 2026-03-02 09:00.</summary>
internal static class BookingKit
{
    /// <summary>unit 2's contact: a member of 桂花社区's alliance, through which unit 1 (linxiaodong) shares its rooms.</summary>
    public const string Requester = "huanglijuan";

    public const string Owner = DemoUsers.UnitContact;

    public const string Chair = DemoUsers.CommunitySecretary;

    /// <summary>Beijing time on the day <paramref name="daysAhead"/> after today (by the fake clock), so tests of one host do not depend on each other's clock moves.</summary>
    public static DateTimeOffset Day(this AllianceAppFactory app, int daysAhead, int hour, int minute = 0)
    {
        var today = app.Time.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).Date;
        return new DateTimeOffset(today.AddDays(daysAhead).AddHours(hour).AddMinutes(minute), TimeSpan.FromHours(8));
    }

    /// <summary>Registers a fresh room of unit 1 open every day 08:00–22:00 (so tests do not share slots).</summary>
    public static async Task<Guid> RoomAsync(this AllianceAppFactory app, string name, bool exclusive = true, int capacity = 30, bool requiresApproval = true,
        object[]? exceptions = null)
    {
        using var owner = await app.ClientForAsync(Owner);
        using var response = await owner.PostAsJsonAsync("/api/resources", new
        {
            ownerId = DemoRegion.Unit(1).Value,
            kind = "venue",
            venueType = "activityRoom",
            name,
            description = "测试用活动室。",
            categories = new[] { "场地" },
            capacity,
            exclusive,
            requiresApproval,
            openingHours = Enumerable.Range(0, 7).Select(d => new { day = ((DayOfWeek)d).ToString(), from = "08:00", to = "22:00" }).ToArray(),
            exceptions = exceptions ?? [],
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }

    public static async Task<HttpResponseMessage> BookAsync(this AllianceAppFactory app, string user, Guid resource, DateTimeOffset start, DateTimeOffset end,
        int headCount = 10, string purpose = "主题党日活动")
    {
        using var client = await app.ClientForAsync(user);
        return await client.PostAsJsonAsync($"/api/resources/{resource}/bookings", new { start, end, purpose, headCount });
    }

    public static async Task<JsonObject> BookedAsync(this AllianceAppFactory app, string user, Guid resource, DateTimeOffset start, DateTimeOffset end, int headCount = 10)
    {
        using var response = await app.BookAsync(user, resource, start, end, headCount);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public static async Task<JsonObject> BookingAsync(this AllianceAppFactory app, string user, Guid booking)
    {
        using var client = await app.ClientForAsync(user);
        using var response = await client.GetAsync($"/api/bookings/{booking}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public static Guid Id(this JsonObject o) => o["id"]!.GetValue<Guid>();

    public static Guid ItemOf(this JsonObject booking) => booking["itemId"]!.GetValue<Guid>();

    /// <summary>Moves the clock, fires due timers, runs the supervision sweep and the booking expiry sweep.</summary>
    public static async Task PassAsync(this AllianceAppFactory app, TimeSpan by)
    {
        await app.AdvanceAsync(by);

        // A timer that fires may arm the next one already due (reminder, then end of use): fire those too, as the scheduler would.
        var runtime = app.Services.GetRequiredService<Alliance.Workflows.Runtime.WorkflowRuntime>();
        for (var round = 0; round < 5 && await runtime.RearmTimersAsync() > 0; round++)
        {
        }

        await app.Services.GetRequiredService<Alliance.Server.Features.Items.ItemSupervision>().SweepAsync(CancellationToken.None);
        await app.Services.GetRequiredService<BookingExpiry>().SweepAsync(CancellationToken.None);
    }

    public static async Task PassUntilAsync(this AllianceAppFactory app, DateTimeOffset when) => await app.PassAsync(when - app.Time.GetUtcNow());
}
