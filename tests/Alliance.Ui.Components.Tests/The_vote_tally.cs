using Alliance.Server.Features.Meetings;
using Alliance.Server.Features.Ui.Pages.Meetings;

namespace Alliance.Ui.Components.Tests;

/// <summary>MeetingTally: the counts of a decision point's vote, the bar's shares of the eligible members, and the threshold in words.</summary>
public sealed class The_vote_tally : ChineseComponentContext
{
    [Fact]
    public void Shows_each_count_and_draws_each_share_of_the_eligible_members()
    {
        var tally = Render<MeetingTally>(p => p.Add(c => c.Point, Point(eligible: 8, @for: 5, against: 2, abstain: 1, threshold: ">1/2", open: true)));

        Assert.Equal("5", tally.Find("[data-testid=tally-for]").TextContent);
        Assert.Equal("2", tally.Find("[data-testid=tally-against]").TextContent);
        Assert.Equal("1", tally.Find("[data-testid=tally-abstain]").TextContent);
        Assert.Equal("8", tally.Find("[data-testid=tally-eligible]").TextContent);
        Assert.Equal("width:62.5%", tally.Find(".tally-bar .for").GetAttribute("style"));
        Assert.Equal("width:25%", tally.Find(".tally-bar .against").GetAttribute("style"));
        Assert.Equal("width:12.5%", tally.Find(".tally-bar .abstain").GetAttribute("style"));
        Assert.Equal("通过门槛：到会成员过半数赞成；表决进行中", tally.Find(".hint").TextContent);
    }

    [Fact]
    public void With_nobody_eligible_draws_empty_bars_and_a_closed_vote_does_not_say_voting_now()
    {
        var tally = Render<MeetingTally>(p => p.Add(c => c.Point, Point(eligible: 0, @for: 0, against: 0, abstain: 0, threshold: ">=2/3", open: false)));

        Assert.All(tally.FindAll(".tally-bar span"), bar => Assert.Equal("width:0%", bar.GetAttribute("style")));
        Assert.Equal("通过门槛：到会成员三分之二以上赞成", tally.Find(".hint").TextContent);
    }

    private static AgendaPointView Point(int eligible, int @for, int against, int abstain, string threshold, bool open) => new(
        Guid.NewGuid(), 1, AgendaPointKind.Decision, null, "社区养老服务站共建方案", "养老", null, null, null, false, null, open, false,
        eligible, @for, against, abstain, threshold, null, null, null, null, null, 0, null, []);
}
