using Alliance.Server.Features.Demo;
using Alliance.Server.Tests.Commitments;
using Alliance.Server.Tests.Infrastructure;
using Alliance.Server.Tests.Items;
using Alliance.Server.Tests.Meetings;
using Alliance.Server.Tests.Resources;
using CsCheck;

namespace Alliance.Server.Tests.Reports;

/// <summary>
/// The property of the figure projection (#18): after any history of items, bookings, commitments and meetings, with
/// the clock moved across days and months between them (deadlines pass, work goes overdue and is escalated), the
/// figures kept in each commit equal a recomputation from every stored row. Histories are random (CsCheck), through
/// the REST API as the demo users; both passes run it, so on SQLite and on PostgreSQL.
/// </summary>
public sealed class Random_histories(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private const string Secretary = DemoUsers.CommunitySecretary;
    private const string Unit = DemoUsers.UnitContact;

    public enum Kind
    {
        JointTask,
        Deliberation,
        Booking,
        Commitment,
        Pass,
    }

    /// <summary>One step of a history: what happens, how far along its route it goes (0–3), and a number (a rating, or days to pass).</summary>
    public sealed record Step(Kind Kind, int Depth, int Number)
    {
        public override string ToString() => $"{Kind}({Depth}, {Number})";
    }

    private static readonly Gen<Step[]> Histories =
        Gen.Select(Gen.Enum<Kind>(), Gen.Int[0, 3], Gen.Int[1, 40], (kind, depth, number) => new Step(kind, depth, number)).Array[3, 7];

    private static readonly string[] Ratings = ["satisfied", "basicallySatisfied", "unsatisfied"];

    private int _run;

    [Fact]
    public async Task Keep_the_figures_equal_to_their_recomputation_after_any_history()
    {
        await Histories.SampleAsync(async history =>
        {
            var run = Interlocked.Increment(ref _run);
            for (var i = 0; i < history.Length; i++)
            {
                await PlayAsync(history[i], $"{run}-{i}");
            }

            await app.AssertFiguresMatchAsync($"after [{string.Join(", ", history.Select(s => s.ToString()))}]");
        }, iter: 3, threads: 1, print: h => string.Join(", ", h.Select(s => s.ToString())));
    }

    private async Task PlayAsync(Step step, string tag)
    {
        switch (step.Kind)
        {
            case Kind.JointTask:
                await JointTaskAsync(step.Depth, Ratings[step.Number % Ratings.Length]);
                break;
            case Kind.Deliberation:
                await DeliberationAsync(step.Depth, tag);
                break;
            case Kind.Booking:
                await BookingAsync(step.Depth, tag);
                break;
            case Kind.Commitment:
                await app.ConfirmedAsync(Unit, CommitmentsKit.Commitment(app.Year(), $"随机承诺 {tag}"));
                break;
            default:
                await app.PassAsync(TimeSpan.FromDays(step.Number) + TimeSpan.FromHours(step.Depth * 5));
                break;
        }
    }

    /// <summary>Submitted; then claimed, done, and verified with a rating, as far as <paramref name="depth"/> says.</summary>
    private async Task JointTaskAsync(int depth, string rating)
    {
        var id = await app.SubmitAsync(Secretary, app.JointTask(days: 3));
        if (depth >= 1)
        {
            await app.DoAsync(Unit, id, "claim", "accept", "我们来办");
        }

        if (depth >= 2)
        {
            await app.DoAsync(Unit, id, "work", "done", fields: new { report = "已办结", evidence = "照片" });
        }

        if (depth >= 3)
        {
            await app.DoAsync(Secretary, id, "verify", rating, "居民反映情况"); // a rating below 满意 needs a comment
        }
    }

    /// <summary>Submitted; accepted at intake; its opinions gathered; settled at a joint meeting with its attendance.</summary>
    private async Task DeliberationAsync(int depth, string tag)
    {
        var id = await app.SubmitAsync(Secretary, app.Item("deliberation", days: null, title: $"随机议题 {tag}"));
        if (depth == 0)
        {
            return;
        }

        await app.DoAsync(Secretary, id, "intake", "accept");
        await app.DoAsync(Secretary, id, "scope", "stay");
        if (depth == 1)
        {
            return;
        }

        foreach (var member in ItemsKit.CommunityMembers)
        {
            await app.DoAsync(member, id, "opinions", "agree", fields: new { opinion = "同意" });
        }

        if (depth == 3)
        {
            await app.SettleAtMeetingAsync(id, new { outcome = "resolved", resolution = "同意实施" });
            await app.ItemReachesAsync(id, "resolved", Secretary);
        }
    }

    /// <summary>A fresh room shared; booked; used, with both feedbacks, when <paramref name="depth"/> reaches 2.</summary>
    private async Task BookingAsync(int depth, string tag)
    {
        var room = await app.RoomAsync($"随机活动室 {tag}", requiresApproval: false);
        if (depth == 0)
        {
            return;
        }

        var (start, end) = (app.Day(1, 9 + depth), app.Day(1, 11 + depth));
        var booking = await app.BookedAsync(BookingKit.Requester, room, start, end);
        if (depth >= 2)
        {
            var item = booking["itemId"]!.GetValue<Guid>();
            await app.PassUntilAsync(end.AddMinutes(1));
            await app.DoAsync(BookingKit.Owner, item, "owner-feedback", "used", fields: new { feedback = "活动有序" });
            await app.DoAsync(BookingKit.Requester, item, "requester-feedback", "satisfied", fields: new { feedback = "场地很好" });
        }
    }
}
