using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Infrastructure.Realtime;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Server.Tests.Items;
using MassTransit.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Alliance.Server.Tests.Contract;

/// <summary>Issue 20, defect 2: every time in every response, hub event and bus message is ISO 8601 in UTC ending in Z.</summary>
public sealed class One_time_format(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    [Fact]
    public void Every_response_type_of_every_endpoint_writes_its_times_in_utc_ending_in_z()
    {
        var roots = ApiEndpoint.All(app.Services)
            .SelectMany(e => e.Endpoint.Metadata.OfType<IProducesResponseTypeMetadata>())
            .Select(m => m.Type).OfType<Type>();
        var options = app.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        AssertTimesInUtc(TimeFormat.Reachable(roots), options, minimum: 15);
    }

    [Fact]
    public void Every_hub_event_writes_its_times_in_utc_ending_in_z()
    {
        var roots = typeof(IAllianceClient).GetMethods().SelectMany(m => m.GetParameters()).Select(p => p.ParameterType)
            .Concat(typeof(LiveEvent).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(LiveEvent))));
        var options = app.Services.GetRequiredService<IOptions<JsonHubProtocolOptions>>().Value.PayloadSerializerOptions;
        AssertTimesInUtc(TimeFormat.Reachable(roots), options, minimum: 10);
    }

    [Fact]
    public void Every_bus_message_writes_its_times_in_utc_ending_in_z()
    {
        var roots = typeof(Alliance.Contracts.IntegrationEvent).Assembly.GetTypes().Where(t => t is { IsAbstract: false, IsClass: true } && t.IsPublic);
        AssertTimesInUtc(TimeFormat.Reachable(roots), SystemTextJsonMessageSerializer.Options, minimum: 10);
    }

    [Fact]
    public async Task Stored_times_come_back_unchanged_in_utc_on_the_current_database()
    {
        // Whole microseconds: PostgreSQL keeps microseconds, SQLite keeps ticks; both give this value back unchanged.
        app.Time.Advance(TimeSpan.FromTicks(1_234_560));
        var created = app.Time.GetUtcNow();
        var id = await app.SubmitAsync(DemoUsers.CommunitySecretary, app.Item("deliberation"));
        using var client = await app.ClientForAsync(DemoUsers.CommunitySecretary);
        var item = (await client.GetFromJsonAsync<JsonObject>($"/api/items/{id}"))!;
        Assert.Equal(created.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture) + "Z",
            item["createdUtc"]!.GetValue<string>());
        var (bad, seen) = TimeFormat.Check(item);
        Assert.Empty(bad);
        Assert.True(seen >= 2, $"only {seen} times in the item");
    }

    [Fact]
    public async Task Every_list_answers_its_times_in_utc_ending_in_z()
    {
        await app.SubmitAsync(DemoUsers.CommunitySecretary, app.Item("deliberation"));
        using var client = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        var seen = 0;
        var bad = new List<string>();
        foreach (var endpoint in ApiEndpoint.All(app.Services).Where(e => e.Method == "GET" && !e.Template.Contains('{', StringComparison.Ordinal)))
        {
            using var response = await client.GetAsync(endpoint.Template);
            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) != true)
            {
                continue;
            }

            var (wrong, count) = TimeFormat.Check(await response.Content.ReadFromJsonAsync<JsonNode>(), endpoint.Template);
            bad.AddRange(wrong);
            seen += count;
        }

        Assert.Empty(bad);
        Assert.True(seen >= 20, $"only {seen} times were seen in the lists");
    }

    private static void AssertTimesInUtc(IReadOnlyCollection<Type> types, JsonSerializerOptions options, int minimum)
    {
        var checkedTypes = new List<string>();
        var bad = new List<string>();
        foreach (var type in types.Where(TimeFormat.HasTimes))
        {
            var written = TimeFormat.SerializeSample(type, options);
            var (wrong, seen) = TimeFormat.Check(written, type.Name);
            bad.AddRange(wrong);
            Assert.True(seen > 0, $"{type.Name} has time properties, but none was written as a time: {written}");
            Assert.DoesNotContain(TimeFormat.Times(written), t => t != TimeFormat.SampleWritten);
            checkedTypes.Add(type.Name);
        }

        Assert.Empty(bad);
        Assert.True(checkedTypes.Count >= minimum, $"only {checkedTypes.Count} types with times were found: {string.Join(", ", checkedTypes)}");
    }
}
