using Alliance.Server.Features.Live;
using Alliance.Server.Features.Ui.Shell;

namespace Alliance.Ui.Components.Tests;

/// <summary>LiveState: the connection state every live page shows (实时更新中 / 正在连接…) with the position of each stream.</summary>
public sealed class The_live_state : ChineseComponentContext
{
    [Fact]
    public void Says_connecting_until_the_page_follows_and_then_live_with_each_streams_position()
    {
        var item = Guid.Parse("0b7f3c1e-5a2d-4c4e-9f60-1d2e3f405162");
        var state = Render<LiveState>(p => p.Add(c => c.Following, false));

        var badge = state.Find("[data-testid=live-state]");
        Assert.Equal("false", badge.GetAttribute("data-following"));
        Assert.Contains("offline", badge.ClassList);
        Assert.Equal("正在连接…", badge.TextContent.Trim());

        state.Render(p => p.Add(c => c.Following, true).Add(c => c.Positions, new Dictionary<StreamId, long> { [new(StreamId.Item, item)] = 42 }));

        badge = state.Find("[data-testid=live-state]");
        Assert.Equal("true", badge.GetAttribute("data-following"));
        Assert.DoesNotContain("offline", badge.ClassList);
        Assert.Equal("实时更新中", badge.TextContent.Trim());
        Assert.Equal($"item:{item:D}#42", badge.GetAttribute("title"));
    }
}
