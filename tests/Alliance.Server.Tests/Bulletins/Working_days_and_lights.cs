using Alliance.Server.Features.Bulletins;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.Reports;
using Microsoft.Extensions.Configuration;

namespace Alliance.Server.Tests.Bulletins;

/// <summary>When the monthly bulletin is written (the first working day, China's holidays), and how its ranking lights a member.</summary>
public sealed class Working_days_and_lights
{
    private static WorkingDays Days(Dictionary<string, string?>? settings = null) =>
        WorkingDays.From(new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build());

    [Theory]
    [InlineData(202601, "2026-01-02")] // 1 January is a holiday
    [InlineData(202603, "2026-03-02")] // 1 March is a Sunday
    [InlineData(202610, "2026-10-08")] // 国庆, 1-7 October
    [InlineData(202612, "2026-12-01")]
    [InlineData(202705, "2027-05-06")] // 1-5 May
    public void The_first_working_day_skips_weekends_and_the_fixed_holidays(int month, string first) =>
        Assert.Equal(DateOnly.Parse(first, System.Globalization.CultureInfo.InvariantCulture), Days().FirstOf(month));

    [Fact]
    public void Configured_holidays_replace_the_fixed_ones_and_a_worked_weekend_counts()
    {
        var days = Days(new()
        {
            [WorkingDays.HolidaysKey] = "2026-10-01,2026-10-02,2026-10-05,2026-10-06,2026-10-07,2026-10-08",
            [WorkingDays.WorkedWeekendsKey] = "2026-10-03",
        });
        Assert.Equal(new DateOnly(2026, 10, 3), days.FirstOf(202610));
        Assert.Equal(new DateOnly(2026, 1, 1), days.FirstOf(202601)); // only the configured holidays now
    }

    [Fact]
    public void A_malformed_holiday_stops_the_host_with_the_key_named() =>
        Assert.Contains(WorkingDays.HolidaysKey, Assert.Throws<InvalidOperationException>(() => Days(new() { [WorkingDays.HolidaysKey] = "2026-13-01" })).Message, StringComparison.Ordinal);

    private static OrganisationFigures Unit(string name, long done = 0, long overdue = 0, long supervised = 0, (long S, long B, long U)? ratings = null, (long Seats, long Present)? meetings = null)
    {
        var (s, b, u) = ratings ?? (0, 0, 0);
        var (seats, present) = meetings ?? (0, 0);
        return new(new OrganisationId(Guid.NewGuid()), name, "unit", 0, 0, done, overdue, supervised,
            new SatisfactionFigures(s, b, u, Figures.Rate(s + b, s + b + u)), 0, 0, 0, 0, seats, present, Figures.Rate(present, seats));
    }

    [Fact]
    public void Supervision_many_overdue_tasks_or_low_satisfaction_light_red_and_say_why()
    {
        Assert.Equal(BulletinLight.Red, BulletinRanking.LightOf(Unit("督办", done: 5, supervised: 1), out var zh, out var en));
        Assert.Equal(["被督办 1 次"], zh);
        Assert.Equal(["escalated to the street 1 time(s)"], en);
        Assert.Equal(BulletinLight.Red, BulletinRanking.LightOf(Unit("逾期", done: 5, overdue: 3), out zh, out _));
        Assert.Equal(["逾期任务 3 项"], zh);
        Assert.Equal(BulletinLight.Red, BulletinRanking.LightOf(Unit("不满意", done: 5, ratings: (1, 0, 1)), out zh, out _));
        Assert.Equal(["满意率 50%，低于 60%"], zh);
    }

    [Fact]
    public void One_overdue_task_middling_satisfaction_poor_attendance_or_no_participation_light_yellow()
    {
        Assert.Equal(BulletinLight.Yellow, BulletinRanking.LightOf(Unit("逾期", done: 5, overdue: 1), out var zh, out _));
        Assert.Equal(["逾期任务 1 项"], zh);
        Assert.Equal(BulletinLight.Yellow, BulletinRanking.LightOf(Unit("基本", done: 5, ratings: (2, 0, 1)), out zh, out _));
        Assert.Equal(["满意率 66.7%，低于 80%"], zh);
        Assert.Equal(BulletinLight.Yellow, BulletinRanking.LightOf(Unit("缺席", done: 5, meetings: (4, 3)), out zh, out _));
        Assert.Equal(["会议出席率 75%，低于 80%"], zh);
        Assert.Equal(BulletinLight.Yellow, BulletinRanking.LightOf(Unit("无"), out zh, out _));
        Assert.Equal(["本月未参与共建"], zh);
        Assert.Equal(BulletinLight.Green, BulletinRanking.LightOf(Unit("好", done: 2, ratings: (4, 1, 0), meetings: (2, 2)), out zh, out _));
        Assert.Empty(zh);
    }

    [Fact]
    public void Communities_and_units_are_ranked_apart_green_before_yellow_before_red_and_members_without_figures_count()
    {
        var green = Unit("乙绿", done: 3);
        var greener = Unit("甲绿", done: 6);
        var red = Unit("丙红", done: 9, supervised: 1);
        var community = Unit("桂花社区", done: 1) with { Kind = "community" };
        var silent = new OrganisationId(Guid.NewGuid());
        var ranked = BulletinRanking.Rank([green, greener, red, community],
            [(green.OrganisationId, green.Name, "unit"), (greener.OrganisationId, greener.Name, "unit"), (red.OrganisationId, red.Name, "unit"),
             (community.OrganisationId, community.Name, "community"), (silent, "丁无", "unit")]);
        Assert.Equal(["桂花社区", "甲绿", "乙绿", "丁无", "丙红"], ranked.Select(r => r.Name));
        Assert.Equal([1, 1, 2, 3, 4], ranked.Select(r => r.Place));
        Assert.Equal(BulletinLight.Yellow, ranked.Single(r => r.Name == "丁无").Light);
    }
}
