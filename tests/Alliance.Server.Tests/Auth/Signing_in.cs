using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Alliance.Server.Features.Demo;
using Alliance.Server.Infrastructure.Realtime;
using Alliance.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Alliance.Server.Tests.Auth;

public sealed class Signing_in(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    [Fact]
    public async Task A_token_identifies_the_demo_user_and_their_roles()
    {
        using var client = await app.ClientForAsync(DemoUsers.CommunitySecretary);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/auth/me");

        Assert.Equal(DemoUsers.CommunitySecretary, me.GetProperty("userName").GetString());
        Assert.Equal("赵丽华", me.GetProperty("displayName").GetString());
        var grant = Assert.Single(me.GetProperty("grants").EnumerateArray());
        Assert.Equal("CommunitySecretary", grant.GetProperty("role").GetString());
        Assert.Equal(DemoRegion.Community(1).Value, grant.GetProperty("organisationId").GetGuid());
        Assert.Equal("桂花社区", grant.GetProperty("organisationName").GetString());
    }

    [Fact]
    public async Task The_token_response_has_the_bearer_shape()
    {
        using var client = app.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/auth/token", new { userName = DemoUsers.StreetStaff, password = DemoUsers.Password });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer", body.GetProperty("tokenType").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("accessToken").GetString()));
        Assert.Equal(3600, body.GetProperty("expiresIn").GetInt32());
    }

    [Fact]
    public async Task A_cookie_signs_in_the_ui_and_signing_out_ends_it()
    {
        using var browser = app.CreateClient();
        using var login = await browser.PostAsJsonAsync("/api/auth/login", new { userName = DemoUsers.UnitContact, password = DemoUsers.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith("alliance.auth=", StringComparison.Ordinal) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase));

        var me = await browser.GetFromJsonAsync<JsonElement>("/api/auth/me");
        Assert.Equal(DemoUsers.UnitContact, me.GetProperty("userName").GetString());

        using var logout = await browser.PostAsync("/api/auth/logout", null);
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        using var after = await browser.GetAsync("/api/auth/me");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Theory]
    [InlineData(DemoUsers.StreetChair, "wrong-Password#1")]
    [InlineData("nobody-at-all", DemoUsers.Password)]
    public async Task A_wrong_password_or_unknown_user_is_the_same_401_problem(string userName, string password)
    {
        using var client = app.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/auth/token", new { userName, password });
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("auth.invalid-credentials", problem.GetProperty("code").GetString());
        Assert.Equal("用户名或密码错误。", problem.GetProperty("messages").GetProperty("zh-CN").GetString());
        Assert.Equal("The user name or password is wrong.", problem.GetProperty("messages").GetProperty("en").GetString());
    }

    [Fact]
    public async Task Missing_fields_are_named_in_both_languages()
    {
        using var client = app.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { userName = " " });
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = problem.GetProperty("errors");
        Assert.Equal("请填写用户名。", errors.GetProperty("userName").GetProperty("zh-CN").GetString());
        Assert.Equal("The password is required.", errors.GetProperty("password").GetProperty("en").GetString());
    }

    [Theory]
    [InlineData("Bearer not-a-real-token")]
    [InlineData("Bearer ")]
    [InlineData(null)]
    public async Task A_bad_or_missing_token_is_401_problem_details(string? authorization)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/organisations");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Sign in first.", problem.GetProperty("messages").GetProperty("en").GetString());
    }

    [Fact]
    public async Task Repeated_failures_lock_the_account_until_an_administrator_unlocks_it()
    {
        const string user = "songjia";
        using var client = app.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var failed = await client.PostAsJsonAsync("/api/auth/token", new { userName = user, password = "Wrong#Password1" });
            statuses.Add(failed.StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 4), HttpStatusCode.Locked], statuses);

        using var locked = await client.PostAsJsonAsync("/api/auth/token", new { userName = user, password = DemoUsers.Password });
        Assert.Equal(HttpStatusCode.Locked, locked.StatusCode);
        var problem = await locked.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("auth.locked-out", problem.GetProperty("code").GetString());

        // Identity's lockout runs on the system clock, so the test does not wait: an administrator unlocks.
        using var admin = await app.ClientForAsync(DemoUsers.StreetChair);
        using var unlock = await admin.PostAsync($"/api/people/{DemoRegion.Person(user)}/unlock", null);
        Assert.Equal(HttpStatusCode.OK, unlock.StatusCode);
        using var again = await client.PostAsJsonAsync("/api/auth/token", new { userName = user, password = DemoUsers.Password });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task The_hub_refuses_a_connection_without_sign_in()
    {
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => HubClients.ConnectAsync(app));
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [Fact]
    public async Task The_hub_accepts_the_token_in_the_access_token_query_string()
    {
        var token = await app.TokenForAsync(DemoUsers.PartTimeMember);
        var server = app.Server;
        var url = new Uri(server.BaseAddress, $"{AllianceHub.Path.TrimStart('/')}?access_token={Uri.EscapeDataString(token)}");
        await using var connection = new HubConnectionBuilder()
            .WithUrl(url, options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
                options.WebSocketFactory = async (context, cancellationToken) => await server.CreateWebSocketClient().ConnectAsync(context.Uri, cancellationToken);
            })
            .Build();

        await connection.StartAsync();
        Assert.Equal(HubConnectionState.Connected, connection.State);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData(DemoUsers.StreetChair, HttpStatusCode.Forbidden)]
    [InlineData(DemoUsers.DistrictAdmin, HttpStatusCode.OK)]
    public async Task The_jobs_dashboard_is_for_the_district_admin_only(string? user, HttpStatusCode expected)
    {
        using var client = user is null ? app.CreateClient() : await app.ClientForAsync(user);
        using var response = await client.GetAsync("/hangfire");
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task The_jobs_dashboard_accepts_the_district_admins_cookie()
    {
        using var browser = app.CreateClient();
        using var login = await browser.PostAsJsonAsync("/api/auth/login", new { userName = DemoUsers.DistrictAdmin, password = DemoUsers.Password });
        using var response = await browser.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Only_the_district_admin_may_broadcast_a_system_notice()
    {
        using var client = await app.ClientForAsync(DemoUsers.StreetChair);
        using var response = await client.PostAsJsonAsync("/api/system/notices", new { textZh = "通知", textEn = "notice" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_token_expires_after_the_token_lifetime_on_the_servers_clock()
    {
        var token = await app.TokenForAsync(DemoUsers.OtherCommunitySecretary);
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/auth/me")).StatusCode);

        app.Time.Advance(TimeSpan.FromMinutes(61));
        using var expired = await client.GetAsync("/api/auth/me");
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Equal("application/problem+json", expired.Content.Headers.ContentType?.MediaType);

        // The factory's cached tokens follow the test clock: they are renewed, not left to expire.
        var renewed = await app.TokenForAsync(DemoUsers.OtherCommunitySecretary);
        Assert.NotEqual(token, renewed);
        using var again = await app.ClientForAsync(DemoUsers.OtherCommunitySecretary);
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task A_token_issued_by_one_node_is_accepted_by_another_sharing_the_database()
    {
        // The Data Protection key ring lives in the database: a second host on the same database reads it.
        var token = await app.TokenForAsync(DemoUsers.CommunityStaff);
        await using var secondNode = app.WithWebHostBuilder(_ => { });
        using var client = secondNode.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.GetAsync("/api/auth/me");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
