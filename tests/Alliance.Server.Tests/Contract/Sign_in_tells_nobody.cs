using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace Alliance.Server.Tests.Contract;

/// <summary>Issue 20, defect 7: a known and an unknown user name answer alike, and sign-in attempts are rate-limited per name and per client.</summary>
public sealed class Sign_in_tells_nobody(Sign_in_tells_nobody.Factory app) : IClassFixture<Sign_in_tells_nobody.Factory>
{
    /// <summary>The production default allowance per name (10 a minute; the test factory lifts it for other tests).</summary>
    public sealed class Factory : AllianceAppFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Alliance:SignInPerAccountPerMinute", "10");
        }
    }

    [Fact]
    public async Task A_known_and_an_unknown_name_get_the_same_answers_and_lock_out_at_the_same_attempt()
    {
        var known = await AnswersAsync("zhuting");
        var unknown = await AnswersAsync("nobody-of-that-name");
        Assert.Equal(
            [.. Enumerable.Repeat("401 auth.invalid-credentials", 4), .. Enumerable.Repeat("423 auth.locked-out", 2)],
            known.Select(a => a.Status));
        Assert.Equal(known.Select(a => a.Status), unknown.Select(a => a.Status));
        Assert.Equal(known.Select(a => a.Body), unknown.Select(a => a.Body));
    }

    [Fact]
    public async Task Past_the_allowance_per_name_both_a_known_and_an_unknown_name_answer_429()
    {
        foreach (var name in new[] { "guoqian", "no-such-person" })
        {
            var answers = new List<string>();
            using var client = app.CreateClient();
            for (var attempt = 0; attempt < 11; attempt++)
            {
                using var response = await client.PostAsJsonAsync("/api/auth/token", new { userName = name, password = "Wrong#Password1" });
                answers.Add($"{(int)response.StatusCode} {(await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]}");
            }

            Assert.Equal("429 auth.too-many-attempts", answers[^1]);
            Assert.DoesNotContain("429 auth.too-many-attempts", answers[..^1]);
        }
    }

    /// <summary>Five wrong passwords, then the right one (for the known name): status and code, and the body without its trace id.</summary>
    private async Task<List<(string Status, string Body)>> AnswersAsync(string name)
    {
        using var client = app.CreateClient();
        var answers = new List<(string, string)>();
        foreach (var password in new[] { "Wrong#Password1", "Wrong#Password2", "Wrong#Password3", "Wrong#Password4", "Wrong#Password5", DemoUsers.Password })
        {
            using var response = await client.PostAsJsonAsync("/api/auth/token", new { userName = name, password });
            var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            body.Remove("traceId");
            answers.Add(($"{(int)response.StatusCode} {body["code"]}", body.ToJsonString()));
        }

        return answers;
    }
}

/// <summary>The per-client allowance, set low for the test.</summary>
public sealed class Sign_in_per_client(Sign_in_per_client.Factory app) : IClassFixture<Sign_in_per_client.Factory>
{
    public sealed class Factory : AllianceAppFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Alliance:SignInPerClientPerMinute", "3");
        }
    }

    [Fact]
    public async Task A_client_past_its_allowance_answers_429_whatever_the_name()
    {
        using var client = app.CreateClient();
        var statuses = new List<HttpStatusCode>();
        foreach (var name in new[] { "a-name", "b-name", "c-name", "d-name" })
        {
            using var response = await client.PostAsJsonAsync("/api/auth/token", new { userName = name, password = "Wrong#Password1" });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
    }
}
