using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Infrastructure.Api;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Server.Tests.Resources;

namespace Alliance.Server.Tests.Contract;

/// <summary>Issue 20, defects 5 and 9: paging out of range is refused with the field named; default windows are said in the response.</summary>
public sealed class Paging_rules(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private static readonly Dictionary<string, string[]> OutOfRange = new(StringComparer.Ordinal)
    {
        ["page"] = ["0", "-1", "1000001", "99999999999"],
        ["after"] = ["-1", "-5"],
        ["before"] = ["0", "-1"],
        ["limit"] = ["0", "-1", $"{Paging.MaxLimit + 1}"],
        ["take"] = ["0", $"{Paging.MaxTake + 1}"],
    };

    [Fact]
    public async Task Every_paging_value_out_of_range_on_every_endpoint_is_a_400_naming_it()
    {
        using var client = await app.ClientForAsync(DemoUsers.DistrictAdmin);
        var walked = new List<string>();
        foreach (var endpoint in ApiEndpoint.All(app.Services))
        {
            foreach (var parameter in endpoint.QueryParameters.Where(p => OutOfRange.ContainsKey(p.Name!)))
            {
                foreach (var bad in OutOfRange[parameter.Name!].Append("abc"))
                {
                    using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), $"{endpoint.Path(value: "item:" + Guid.NewGuid())}?{parameter.Name}={bad}");
                    using var response = await client.SendAsync(request);
                    var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
                    Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{endpoint.Name} ?{parameter.Name}={bad}: {(int)response.StatusCode} {problem}");
                    Assert.True(problem!["errors"]?[parameter.Name!] is not null, $"{endpoint.Name} ?{parameter.Name}={bad}: not named in {problem}");
                }

                walked.Add($"{endpoint.Name} {parameter.Name}");
            }
        }

        Assert.True(walked.Count >= 5, "too few paging values were found: " + string.Join("; ", walked));
    }

    [Fact]
    public async Task A_resource_calendar_says_the_period_it_applied_and_finds_a_booking_months_ahead_when_asked()
    {
        var room = await app.RoomAsync("日历测试室");
        var now = app.Time.GetUtcNow();
        var start = app.Day(120, 10);
        await app.BookedAsync(DemoUsers.CommunitySecretary, room, start, start.AddHours(1));
        using var client = await app.ClientForAsync(BookingKit.Owner);

        var byDefault = (await client.GetFromJsonAsync<JsonObject>($"/api/resources/{room}/bookings"))!;
        Assert.Equal(now.AddDays(-1), byDefault["from"]!.GetValue<DateTimeOffset>());
        Assert.Equal(now.AddDays(60), byDefault["to"]!.GetValue<DateTimeOffset>());
        Assert.Empty(byDefault["bookings"]!.AsArray());

        var from = Uri.EscapeDataString(start.AddDays(-1).ToString("O"));
        var to = Uri.EscapeDataString(start.AddDays(1).ToString("O"));
        var asked = (await client.GetFromJsonAsync<JsonObject>($"/api/resources/{room}/bookings?from={from}&to={to}"))!;
        Assert.Single(asked["bookings"]!.AsArray());
        Assert.Equal(start.AddDays(-1), asked["from"]!.GetValue<DateTimeOffset>());

        using var tooLong = await client.GetAsync($"/api/resources/{room}/bookings?from={from}&to={Uri.EscapeDataString(start.AddDays(400).ToString("O"))}");
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
    }
}
