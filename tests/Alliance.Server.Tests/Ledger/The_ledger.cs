using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Ledger;
using Alliance.Server.Infrastructure.Realtime;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Server.Tests.Items;
using Alliance.Server.Tests.Live;
using Alliance.Server.Tests.Meetings;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;

namespace Alliance.Server.Tests.Ledger;

/// <summary>
/// 台账 (#18): each section in the caller's scope (a unit reads only its own), filtered by period, status, kind and
/// overdue; an export of a whole section written in the background to .xlsx, its progress pushed on the person's own
/// stream, and the file read back with the same library.
/// </summary>
public sealed class The_ledger(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private const string Secretary = DemoUsers.CommunitySecretary;
    private const string Unit = DemoUsers.UnitContact;

    private static string Alliance => $"alliance={DemoRegion.CommunityAlliance(1).Value}";

    private async Task<JsonObject> SectionAsync(string user, string section, string query = "")
    {
        using var response = await app.SendAsync(user, HttpMethod.Get, $"/api/ledger/{section}?{query}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{section}?{query}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static IEnumerable<JsonNode> Rows(JsonObject page) => page["rows"]!.AsArray().Select(r => r!);

    [Fact]
    public async Task Lists_a_new_item_in_its_alliance_ledger_with_its_step_and_filters_it_by_status_kind_and_period()
    {
        var title = $"台账事项 {Guid.NewGuid():N}"[..14];
        var id = await app.SubmitAsync(Secretary, app.Item("jointTask", "法律", title: title));
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(app.Time.GetUtcNow().UtcDateTime, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")));
        var period = $"from={today:yyyy-MM-dd}&to={today:yyyy-MM-dd}";

        var page = await SectionAsync(Secretary, "items", $"{Alliance}&{period}&status=open&kind=jointTask&pageSize=200");
        var row = Rows(page).Single(r => r["id"]!.GetValue<string>() == id.ToString());
        Assert.Equal(title, row["title"]!.GetValue<string>());
        Assert.Equal("实事共办", row["kind"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(row["step"]?.GetValue<string>()), "an open item shows its current step");
        Assert.Contains(page["columns"]!.AsArray(), c => c!["zh"]!.GetValue<string>() == "满意度");
        Assert.Contains(Rows(await SectionAsync(Secretary, "items", "pageSize=200")), r => r["id"]!.GetValue<string>() == id.ToString()); // her alliances by default

        Assert.DoesNotContain(Rows(await SectionAsync(Secretary, "items", $"{Alliance}&{period}&status=closed&pageSize=200")), r => r["id"]!.GetValue<string>() == id.ToString());
        Assert.DoesNotContain(Rows(await SectionAsync(Secretary, "items", $"{Alliance}&{period}&kind=decision&pageSize=200")), r => r["id"]!.GetValue<string>() == id.ToString());
        var tomorrow = today.AddDays(1);
        Assert.DoesNotContain(Rows(await SectionAsync(Secretary, "items", $"{Alliance}&from={tomorrow:yyyy-MM-dd}&pageSize=200")), r => r["id"]!.GetValue<string>() == id.ToString());
    }

    [Fact]
    public async Task Is_read_only_in_scope_and_names_the_field_of_a_bad_filter()
    {
        // a unit: its own ledger, never another unit's (404) nor a whole alliance's (403), in every section
        foreach (var section in LedgerSections.All.Select(s => s.Key))
        {
            await SectionAsync(Unit, section, $"organisation={DemoRegion.Unit(1).Value}");
            using (var other = await app.SendAsync(Unit, HttpMethod.Get, $"/api/ledger/{section}?organisation={DemoRegion.Unit(13).Value}"))
            {
                Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
            }

            using var alliance = await app.SendAsync(Unit, HttpMethod.Get, $"/api/ledger/{section}?{Alliance}");
            Assert.Equal(HttpStatusCode.Forbidden, alliance.StatusCode);
        }

        // a unit's items are those it submitted, hosts or holds a task of: another unit's task is not among them
        var id = await app.SubmitAsync(Secretary, app.JointTask());
        Assert.DoesNotContain(Rows(await SectionAsync(DemoUsers.HospitalContact, "items", "pageSize=200")), r => r["id"]!.GetValue<string>() == id.ToString());
        await app.DoAsync(Unit, id, "claim", "accept", "我们来办");
        Assert.Contains(Rows(await SectionAsync(Unit, "items", "pageSize=200")), r => r["id"]!.GetValue<string>() == id.ToString());

        // another street's alliance is out of a community secretary's sight
        using (var street2 = await app.SendAsync(Secretary, HttpMethod.Get, $"/api/ledger/items?alliance={DemoRegion.StreetAlliance(2).Value}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, street2.StatusCode);
        }

        foreach (var (query, field) in new[] { ("items?status=voting", "status"), ("bookings?kind=jointTask", "kind"), ("items?from=2026-05-02&to=2026-05-01", "from"), ("nothing", "section"), ("items?pageSize=500", "pageSize") })
        {
            using var bad = await app.SendAsync(Secretary, HttpMethod.Get, $"/api/ledger/{query}");
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var problem = await bad.ProblemAsync();
            Assert.Contains(field, problem["errors"]!.AsObject().Select(e => e.Key));
        }
    }

    [Fact]
    public async Task Exports_a_section_in_the_background_pushes_its_progress_to_the_person_and_the_file_reads_back_with_every_row_and_the_items_history()
    {
        var id = await app.SubmitAsync(Secretary, app.JointTask());
        var me = DemoRegion.Person(Secretary);
        await using var connection = await HubClients.ConnectAsync(app, await app.TokenForAsync(Secretary));
        var pushed = Received.On<ExportProgressEvent>(connection, nameof(IAllianceClient.ExportProgress));
        Assert.True((await LiveTestKit.WatchAsync(connection, $"person:{me:D}")).Watching);
        var total = (await SectionAsync(Secretary, "items", Alliance))["total"]!.GetValue<int>();

        using var accepted = await app.SendAsync(Secretary, HttpMethod.Post, "/api/ledger/exports", new { section = "items", alliance = DemoRegion.CommunityAlliance(1).Value });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var export = (await accepted.Content.ReadFromJsonAsync<JsonObject>())!;
        var exportId = export["id"]!.GetValue<Guid>();
        Assert.Equal("queued", export["status"]!.GetValue<string>());

        var ready = await pushed.WaitForAsync(e => e.ExportId == exportId && e.Status == "ready", LiveTestKit.Patience);
        Assert.Equal(ready.Total, ready.Rows); // the items and their history rows
        Assert.All(pushed.Events.Where(e => e.ExportId == exportId), e => Assert.Equal($"person:{me:D}", e.Stream));

        // somebody else can neither see nor fetch it
        using (var stranger = await app.SendAsync(Unit, HttpMethod.Get, $"/api/ledger/exports/{exportId}/file"))
        {
            Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        }

        using var client = await app.ClientForAsync(Secretary);
        using var file = await client.GetAsync(new Uri($"/api/ledger/exports/{exportId}/file", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal(LedgerApi.Xlsx, file.Content.Headers.ContentType!.MediaType);
        await using var content = new MemoryStream(await file.Content.ReadAsByteArrayAsync());
        Assert.Equal(["事项", "经过"], content.GetSheetNames());
        var items = content.Query(useHeaderRow: true, sheetName: "事项").Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(total, items.Count);
        Assert.Equal(new ItemLedger().Columns.Select(c => c.Zh), items[0].Keys);
        Assert.Contains(items, r => (string?)r["编号"] == id.ToString() && (string?)r["议事规则"] == "实事共办");
        content.Position = 0;
        var history = content.Query(useHeaderRow: true, sheetName: "经过").Cast<IDictionary<string, object?>>().ToList();
        Assert.Contains(history, r => (string?)r["事项编号"] == id.ToString() && r["经过"] is "提交事项");
        Assert.Equal(ready.Rows, items.Count + history.Count);

        var mine = (await client.GetFromJsonAsync<JsonArray>("/api/ledger/exports"))!;
        Assert.Contains(mine, e => e!["id"]!.GetValue<Guid>() == exportId && e["status"]!.GetValue<string>() == "ready" && e["fileName"]!.GetValue<string>().EndsWith(".xlsx", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_export_left_running_by_a_node_that_died_is_taken_over_once_its_lease_has_run_out_and_written_once()
    {
        var now = app.Time.GetUtcNow().UtcDateTime;
        var dead = Guid.NewGuid();
        var export = new LedgerExport
        {
            Id = Guid.CreateVersion7(), UserId = DemoRegion.Person(Secretary), Section = "items", FilterJson = """{"section":"items"}""",
            Status = LedgerExport.Running, ClaimToken = dead, LeaseUntilUtc = now.AddSeconds(-1), Rows = 7, CreatedUtc = now.AddMinutes(-2),
        };
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            db.Add(export);
            await db.SaveChangesAsync();
        }

        using (var client = await app.ClientForAsync(Secretary))
        {
            var stalled = (await client.GetFromJsonAsync<JsonObject>($"/api/ledger/exports/{export.Id}"))!;
            Assert.True(stalled["stalled"]!.GetValue<bool>());
            using var early = await client.GetAsync(new Uri($"/api/ledger/exports/{export.Id}/file", UriKind.Relative));
            Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
            Assert.Equal("ledger.export-not-ready", (await early.ProblemAsync())["code"]!.GetValue<string>());
        }

        // the redelivered request, on another node
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<LedgerExportRunner>().RunAsync(export.Id, CancellationToken.None);
        }

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            var done = await db.Set<LedgerExport>().AsNoTracking().SingleAsync(e => e.Id == export.Id);
            Assert.Equal(LedgerExport.Ready, done.Status);
            Assert.NotEqual(dead, done.ClaimToken);
            Assert.Equal(done.Total, done.Rows);
            Assert.Equal(1, await db.Set<LedgerExportFile>().CountAsync(f => f.ExportId == export.Id));

            // a second redelivery finds it finished and writes nothing
            await scope.ServiceProvider.GetRequiredService<LedgerExportRunner>().RunAsync(export.Id, CancellationToken.None);
            Assert.Equal(1, await db.Set<LedgerExportFile>().CountAsync(f => f.ExportId == export.Id));
            Assert.Equal(done.FinishedUtc, (await db.Set<LedgerExport>().AsNoTracking().SingleAsync(e => e.Id == export.Id)).FinishedUtc);
        }
    }

    [Fact]
    public async Task Exports_an_empty_section_with_its_header_row()
    {
        using var accepted = await app.SendAsync(Unit, HttpMethod.Post, "/api/ledger/exports",
            new { section = "supervision", organisation = DemoRegion.Unit(1).Value, from = "2020-01-01", to = "2020-01-31" });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var exportId = (await accepted.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        using var client = await app.ClientForAsync(Unit);
        JsonObject status;
        var deadline = DateTime.UtcNow + LiveTestKit.Patience;
        do
        {
            await Task.Delay(100);
            status = (await client.GetFromJsonAsync<JsonObject>($"/api/ledger/exports/{exportId}"))!;
        }
        while (status["status"]!.GetValue<string>() is "queued" or "running" && DateTime.UtcNow < deadline);

        Assert.True(status["status"]!.GetValue<string>() == "ready", status.ToJsonString());
        Assert.Equal(0, status["rows"]!.GetValue<long>());
        await using var content = new MemoryStream(await client.GetByteArrayAsync(new Uri($"/api/ledger/exports/{exportId}/file", UriKind.Relative)));
        var rows = content.Query(sheetName: "督办").Cast<IDictionary<string, object?>>().ToList();
        Assert.Single(rows);
        Assert.Equal(new SupervisionLedger().Columns.Select(c => c.Zh), rows[0].Values.Select(v => v?.ToString()));
    }
}
