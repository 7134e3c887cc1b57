using System.Collections.Concurrent;
using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Server.Tests.Items;

/// <summary>A host that keeps the parameter count of every SQL command its contexts send that reads items, their tasks or their events.</summary>
public sealed class ItemReadsRecordingApp : AllianceAppFactory
{
    public ItemReads Reads { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IInterceptor>(Reads));
    }
}

public sealed class ItemReads : DbCommandInterceptor
{
    private static readonly string[] ItemTables = ["\"items\"", "\"item_tasks\"", "\"item_events\""];
    private readonly ConcurrentQueue<int> _parameters = new();

    /// <summary>Forgets what was recorded, and answers the most parameters one command read with since the last call.</summary>
    public int MostParametersSinceLast()
    {
        var most = 0;
        while (_parameters.TryDequeue(out var count))
        {
            most = Math.Max(most, count);
        }

        return most;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (ItemTables.Any(table => command.CommandText.Contains(table, StringComparison.Ordinal))) // FROM or JOIN
        {
            _parameters.Enqueue(command.Parameters.Count);
        }

        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }
}

/// <summary>
/// Whether a unit may see an item is decided by the items routed to it (tasks it holds or is a candidate for). Every
/// item ever routed to a unit stays routed, so that history grows for as long as the unit works with the alliance;
/// reading one item must not cost more with it. (It did: the ids of every routed item were read and sent back in the
/// item query, one SQL parameter each, which SQLite binds by name in quadratic time and refuses beyond 32,766.) The
/// inbox likewise read its tasks' items by their ids, one parameter per open task, and the ledger of closed items read
/// their tasks, events and children by the entries' ids.
/// </summary>
public sealed class Reading_an_item_routed_to_a_unit(ItemReadsRecordingApp app) : IClassFixture<ItemReadsRecordingApp>
{
    [Fact]
    public async Task Sends_the_same_item_query_however_many_items_were_routed_to_the_unit_before()
    {
        var first = await app.SubmitAsync(DemoUsers.CommunitySecretary, app.JointTask()); // 法律: the unit's candidate task
        var before = await ParametersOfReadingAsync($"/api/items/{first}");

        for (var i = 0; i < 8; i++)
        {
            await app.SubmitAsync(DemoUsers.CommunitySecretary, app.JointTask());
        }

        Assert.Equal(before, await ParametersOfReadingAsync($"/api/items/{first}"));
    }

    [Fact]
    public async Task The_inbox_reads_its_items_with_the_same_query_however_many_open_tasks_it_holds()
    {
        await app.SubmitAsync(DemoUsers.CommunitySecretary, app.JointTask(category: "场地"));
        var before = await ParametersOfReadingAsync("/api/tasks");

        for (var i = 0; i < 8; i++)
        {
            await app.SubmitAsync(DemoUsers.CommunitySecretary, app.JointTask(category: "场地"));
        }

        Assert.Equal(before, await ParametersOfReadingAsync("/api/tasks"));
        Assert.True((await app.InboxAsync(DemoUsers.UnitContact)).Count >= 9);
    }

    [Fact]
    public async Task The_ledger_reads_its_entries_tasks_and_events_with_the_same_queries_however_many_items_closed()
    {
        var ledger = $"/api/ledger?alliance={DemoRegion.CommunityAlliance(1).Value}";
        await app.CloseJointTaskAsync();
        var before = await ParametersOfReadingAsync(ledger, DemoUsers.CommunitySecretary);

        for (var i = 0; i < 3; i++)
        {
            await app.CloseJointTaskAsync();
        }

        Assert.Equal(before, await ParametersOfReadingAsync(ledger, DemoUsers.CommunitySecretary));
        using var secretary = await app.ClientForAsync(DemoUsers.CommunitySecretary);
        var entries = (await secretary.GetFromJsonAsync<JsonArray>(ledger))!.OfType<JsonObject>().ToList();
        Assert.True(entries.Count >= 4);
        Assert.All(entries, e => Assert.Equal("ItemClosed", e["timeline"]!.AsArray()[^1]!["type"]!.GetValue<string>()));
    }

    private async Task<int> ParametersOfReadingAsync(string path, string user = DemoUsers.UnitContact)
    {
        using var client = await app.ClientForAsync(user);
        app.Reads.MostParametersSinceLast();
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return app.Reads.MostParametersSinceLast();
    }
}
