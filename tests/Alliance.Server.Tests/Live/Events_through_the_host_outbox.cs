using System.Net.Http.Json;
using Alliance.Contracts.Alliances;
using Alliance.Server.Features.Demo;
using Alliance.Server.Infrastructure.Messaging.Outbox;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Alliance.Server.Tests.Live.LiveTestKit;

namespace Alliance.Server.Tests.Live;

public sealed class Events_through_the_host_outbox(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    [Fact]
    public async Task A_rename_reaches_the_alliance_watchers_once_and_its_outbox_row_is_marked_dispatched()
    {
        var alliance = DemoRegion.CommunityAlliance(5).Value;
        await using var connection = await HubClients.ConnectAsync(app, await app.TokenForAsync(DemoUsers.DistrictAdmin));
        var received = Received.On(connection);
        var head = (await WatchAsync(connection, $"alliance:{alliance:D}")).Head;
        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);

        (await admin.PutAsJsonAsync($"/api/alliances/{alliance}", new { name = "经外置发件箱改名的联盟" })).EnsureSuccessStatusCode();

        var events = await received.WaitForAsync(1, Patience);
        var renamed = Assert.Single(events);
        Assert.Equal(("alliance.renamed", "经外置发件箱改名的联盟", head + 1), (renamed.Change, renamed.Name, renamed.Sequence));
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var row = await db.Set<OutboxMessage>().AsNoTracking().SingleAsync(m => m.Type == typeof(AllianceChanged).FullName && m.PayloadJson.Contains("alliance.renamed"));
        await WaitUntilAsync(async () => (await db.Set<OutboxMessage>().AsNoTracking().SingleAsync(m => m.Id == row.Id)).DispatchedUtc is not null);
    }

    [Fact]
    public async Task An_event_written_in_a_rolled_back_transaction_never_leaves()
    {
        var alliance = DemoRegion.CommunityAlliance(6).Value;
        await using var connection = await HubClients.ConnectAsync(app, await app.TokenForAsync(DemoUsers.DistrictAdmin));
        var received = Received.On(connection);
        await WatchAsync(connection, $"alliance:{alliance:D}");

        await WriteInTransactionAsync(new AllianceChanged(alliance, "rolled-back", "name"), commit: false);
        await WriteInTransactionAsync(new AllianceChanged(alliance, "committed", "name"), commit: true);

        await received.WaitForAsync(1, Patience);
        using var admin = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        (await admin.PutAsJsonAsync($"/api/alliances/{alliance}", new { name = "之后" })).EnsureSuccessStatusCode();
        var events = await received.WaitForAsync(2, Patience);
        Assert.Equal(["committed", "alliance.renamed"], events.Select(e => e.Change));
    }

    private async Task WriteInTransactionAsync(AllianceChanged change, bool commit)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.AddOutboxEvent(change);
            await db.SaveChangesAsync();
            if (commit)
            {
                await transaction.CommitAsync();
            }
            else
            {
                await transaction.RollbackAsync();
            }
        });
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (!await condition())
        {
            await Task.Delay(20, deadline.Token);
        }
    }
}
