using System.Net;
using Alliance.Server.Features.Demo;
using Alliance.Server.Tests.Infrastructure;

namespace Alliance.Server.Tests.Foundation;

public sealed class The_start_page(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    [Fact]
    public async Task The_printed_url_answers_with_a_chinese_page_that_links_the_api_and_lists_the_demo_sign_ins()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("lang=\"zh-CN\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/openapi/v1.json\"", html, StringComparison.Ordinal);
        Assert.Contains(DemoUsers.CommunitySecretary, html, StringComparison.Ordinal);
        Assert.Contains(DemoUsers.Password, html, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_demo_data_no_sign_in_is_shown()
    {
        var html = Features.System.StartPage.Render(demoData: false);

        Assert.DoesNotContain(DemoUsers.Password, html, StringComparison.Ordinal);
        Assert.DoesNotContain(DemoUsers.DistrictAdmin, html, StringComparison.Ordinal);
    }
}
