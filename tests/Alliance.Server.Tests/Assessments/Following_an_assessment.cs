using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alliance.Server.Features.Demo;
using Alliance.Server.Tests.Bulletins;
using Alliance.Server.Tests.Infrastructure;

namespace Alliance.Server.Tests.Assessments;

/// <summary>
/// <c>assessment:{id}</c> (#18, the assessment page follows live): each change of a year-end assessment lands on its
/// stream as <c>AssessmentChanged</c>, in order; who may follow it is who may read the assessment, so a scored unit
/// gets 404 while it is a draft and follows it once published; another street's unit never.
/// </summary>
public sealed class Following_an_assessment(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private static async Task<List<JsonElement>> ChangesAsync(HttpClient client, string stream, int atLeast)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/api/streams/{stream}/events?after=0", deadline.Token);
            var events = page.GetProperty("events").EnumerateArray().ToList();
            if (events.Count >= atLeast)
            {
                return events;
            }

            await Task.Delay(50, deadline.Token);
        }
    }

    [Fact]
    public async Task Each_change_lands_on_the_assessments_stream_for_whoever_may_read_it()
    {
        var (created, view) = await app.SendAsync(DemoUsers.StreetChair, HttpMethod.Post, "/api/assessments", new { alliance = BulletinsKit.StreetOneAlliance, year = 2022 });
        Assert.Equal(HttpStatusCode.Created, created);
        var id = view!["assessment"]!["id"]!.GetValue<string>();
        var stream = $"assessment:{id}";
        using var chair = await app.ClientForAsync(DemoUsers.StreetChair);
        using var unit = await app.ClientForAsync(DemoUsers.UnitContact);
        using var other = await app.ClientForAsync(DemoUsers.OtherUnitContact);
        Assert.Equal(HttpStatusCode.OK, (await chair.GetAsync($"/api/streams/{stream}/events")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await unit.GetAsync($"/api/streams/{stream}/events")).StatusCode); // a draft

        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(DemoUsers.StreetChair, HttpMethod.Post, $"/api/assessments/{id}/publish")).Status);
        Assert.Equal(HttpStatusCode.Created, (await app.SendAsync(DemoUsers.UnitContact, HttpMethod.Post, $"/api/assessments/{id}/objections",
            new { organisation = DemoRegion.Unit(1).Value, reason = "台账漏记了两次场地开放。" })).Status);

        var events = await ChangesAsync(unit, stream, 2);
        Assert.All(events, e => Assert.Equal("AssessmentChanged", e.GetProperty("kind").GetString()));
        Assert.Equal(["published", "objected"], events.Select(e => e.GetProperty("data").GetProperty("change").GetString()));
        Assert.All(events, e => Assert.Equal("published", e.GetProperty("data").GetProperty("status").GetString()));
        Assert.Equal([1L, 2L], events.Select(e => e.GetProperty("sequence").GetInt64()));
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/streams/{stream}/events")).StatusCode);
    }
}
