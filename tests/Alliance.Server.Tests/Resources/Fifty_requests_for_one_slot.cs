using System.Net;
using System.Net.Http.Json;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Resources;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Alliance.Server.Tests.Resources.BookingKit;

namespace Alliance.Server.Tests.Resources;

/// <summary>No double booking under concurrency, enforced by the database (docs/adr/0004), on the current provider set.</summary>
public sealed class Fifty_requests_for_one_slot(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    [Fact]
    public async Task Exactly_one_holds_the_slot_and_the_other_49_get_409()
    {
        var room = await app.RoomAsync("并发测试室");
        var start = app.Day(2, 10);
        string[] users = [Requester, "zhuting", "guoqian", DemoUsers.SeveralRoles, DemoUsers.CommunityStaff];
        var clients = new List<HttpClient>();
        foreach (var user in users)
        {
            clients.Add(await app.ClientForAsync(user));
        }

        using var gate = new SemaphoreSlim(0);
        var calls = Enumerable.Range(0, 50).Select(async i =>
        {
            await gate.WaitAsync();
            using var response = await clients[i % clients.Count].PostAsJsonAsync($"/api/resources/{room}/bookings",
                new { start, end = start.AddHours(2), purpose = $"并发请求 {i}", headCount = 5 });
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }).ToList();
        gate.Release(50);
        var results = await Task.WhenAll(calls);

        Assert.True(results.Count(r => r.StatusCode == HttpStatusCode.Created) == 1, string.Join("\n", results.Select(r => $"{r.StatusCode} {r.Body}").Distinct()));
        Assert.Equal(49, results.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.All(results.Where(r => r.StatusCode == HttpStatusCode.Conflict), r => Assert.Contains("booking.slot-taken", r.Body, StringComparison.Ordinal));

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var id = new ResourceId(room);
        Assert.Equal(1, await db.Set<Booking>().CountAsync(b => b.ResourceId == id));
        Assert.Equal(4, await db.Set<BookingSlot>().CountAsync(s => s.ResourceId == id));
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }
}
