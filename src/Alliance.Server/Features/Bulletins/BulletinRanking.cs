using System.Globalization;
using System.Text.Json.Serialization;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.Reports;

namespace Alliance.Server.Features.Bulletins;

/// <summary>红 / 黄 / 绿 of one organisation in the month's bulletin (stored and answered by name, so the order may change).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BulletinLight>))]
public enum BulletinLight
{
    Green,
    Yellow,
    Red,
}

/// <summary>
/// One community or unit in the bulletin's ranking: its light, the reasons for it in words, its place within its group
/// (communities and units are ranked apart) and the figures behind it.
/// </summary>
public sealed record RankedOrganisation(
    OrganisationId OrganisationId, string Name, string Kind, int Place, BulletinLight Light, IReadOnlyList<string> ReasonsZh, IReadOnlyList<string> ReasonsEn,
    long Participation, long ItemsResolved, long TasksDone, long TasksOverdue, long Supervised, double? SatisfactionRate, double? AttendanceRate);

/// <summary>
/// The bulletin's ranking, from the month's figures (pure, so its rule is tested directly):
/// <list type="bullet">
/// <item>红 (red): work escalated to the street (督办), three or more tasks overdue, or a satisfaction rate under 60%;</item>
/// <item>黄 (yellow): one or two tasks overdue, a satisfaction rate under 80%, meeting attendance under 80%, or no
/// participation at all in the month;</item>
/// <item>绿 (green): none of these.</item>
/// </list>
/// Within communities and within units: green first, then yellow, then red; within a light by participation
/// (<see cref="OrganisationFigures.Participation"/>), then by name. Members with no figures in the month are ranked too.
/// </summary>
public static class BulletinRanking
{
    public const int RedOverdue = 3;
    public const double RedSatisfaction = 0.6;
    public const double YellowSatisfaction = 0.8;
    public const double YellowAttendance = 0.8;

    public static IReadOnlyList<RankedOrganisation> Rank(IEnumerable<OrganisationFigures> figures, IEnumerable<(OrganisationId Id, string Name, string Kind)> members)
    {
        ArgumentNullException.ThrowIfNull(figures);
        ArgumentNullException.ThrowIfNull(members);
        var byId = figures.ToDictionary(f => f.OrganisationId);
        var rows = members.DistinctBy(m => m.Id)
            .Select(m => byId.TryGetValue(m.Id, out var f) ? f with { Name = m.Name, Kind = m.Kind } : Empty(m.Id, m.Name, m.Kind))
            .Select(f => (Figures: f, Light: LightOf(f, out var zh, out var en), Zh: zh, En: en))
            .ToList();
        return [.. rows.GroupBy(r => r.Figures.Kind == "community")
            .OrderByDescending(g => g.Key)
            .SelectMany(g => g.OrderBy(r => r.Light).ThenByDescending(r => r.Figures.Participation).ThenBy(r => r.Figures.Name, StringComparer.Ordinal)
                .Select((r, i) => new RankedOrganisation(
                    r.Figures.OrganisationId, r.Figures.Name, r.Figures.Kind, i + 1, r.Light, r.Zh, r.En, r.Figures.Participation, r.Figures.ItemsResolved,
                    r.Figures.TasksDone, r.Figures.TasksOverdue, r.Figures.Supervised, r.Figures.Satisfaction.Rate, r.Figures.AttendanceRate)))];
    }

    /// <summary>The light of one organisation's month, and why, in Chinese and English.</summary>
    public static BulletinLight LightOf(OrganisationFigures f, out IReadOnlyList<string> reasonsZh, out IReadOnlyList<string> reasonsEn)
    {
        ArgumentNullException.ThrowIfNull(f);
        var red = new List<(string, string)>();
        var yellow = new List<(string, string)>();
        var c = CultureInfo.InvariantCulture;
        if (f.Supervised > 0)
        {
            red.Add((string.Create(c, $"被督办 {f.Supervised} 次"), string.Create(c, $"escalated to the street {f.Supervised} time(s)")));
        }

        if (f.TasksOverdue >= RedOverdue)
        {
            red.Add((string.Create(c, $"逾期任务 {f.TasksOverdue} 项"), string.Create(c, $"{f.TasksOverdue} tasks overdue")));
        }
        else if (f.TasksOverdue > 0)
        {
            yellow.Add((string.Create(c, $"逾期任务 {f.TasksOverdue} 项"), string.Create(c, $"{f.TasksOverdue} task(s) overdue")));
        }

        if (f.Satisfaction.Rate is { } s && s < RedSatisfaction)
        {
            red.Add((string.Create(c, $"满意率 {s * 100:0.#}%，低于 60%"), string.Create(c, $"satisfaction {s * 100:0.#}%, under 60%")));
        }
        else if (f.Satisfaction.Rate is { } t && t < YellowSatisfaction)
        {
            yellow.Add((string.Create(c, $"满意率 {t * 100:0.#}%，低于 80%"), string.Create(c, $"satisfaction {t * 100:0.#}%, under 80%")));
        }

        if (f.AttendanceRate is { } a && a < YellowAttendance)
        {
            yellow.Add((string.Create(c, $"会议出席率 {a * 100:0.#}%，低于 80%"), string.Create(c, $"meeting attendance {a * 100:0.#}%, under 80%")));
        }

        if (f.Participation <= 0 && f.TasksOverdue == 0 && f.Supervised == 0)
        {
            yellow.Add(("本月未参与共建", "no participation this month"));
        }

        var light = red.Count > 0 ? BulletinLight.Red : yellow.Count > 0 ? BulletinLight.Yellow : BulletinLight.Green;
        var reasons = red.Concat(yellow).ToList();
        reasonsZh = [.. reasons.Select(r => r.Item1)];
        reasonsEn = [.. reasons.Select(r => r.Item2)];
        return light;
    }

    private static OrganisationFigures Empty(OrganisationId id, string name, string kind) =>
        new(id, name, kind, 0, 0, 0, 0, 0, new SatisfactionFigures(0, 0, 0, null), 0, 0, 0, 0, 0, 0, null);
}
