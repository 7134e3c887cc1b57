using System.Globalization;
using System.Text.Json.Nodes;
using Alliance.Contracts.Commitments;
using Alliance.Server.Features.Items;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Commitments;

/// <summary>
/// Keeps a commitment in step with its route (called by <see cref="ItemSync"/> for items of kind
/// <see cref="ItemKind.Commitment"/>, in the same SaveChanges as the item): its status, the reason of a return, its
/// confirmation (<see cref="CommitmentConfirmed"/>, once), one <see cref="CommitmentPeriod"/> per period the schedule
/// opened, each report (<see cref="ProgressReported"/>, once per period) and the total done, missing reports, and the
/// year-end assessment. Everything is read from the route's variables, so a redo from a fresh load changes nothing twice.
/// </summary>
public sealed class CommitmentProjection(AllianceDbContext db) : IItemProjection
{
    public ItemKind Kind => ItemKind.Commitment;

    public async Task ProjectAsync(ItemProjectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var item = context.Item;
        var commitment = db.Set<Commitment>().Local.FirstOrDefault(c => c.ItemId == item.Id)
            ?? await db.Set<Commitment>().SingleOrDefaultAsync(c => c.ItemId == item.Id, cancellationToken);
        if (commitment is null)
        {
            return;
        }

        var vars = context.Instance.Variables;
        var now = context.UtcNow;
        var changed = false;
        if (commitment.Status != item.Status)
        {
            commitment.Status = item.Status;
            changed = true;
        }

        if (item.Status == "returned" && vars["review"]?["comment"]?.GetValue<string>() is { } reason && reason != commitment.ReturnReason)
        {
            commitment.ReturnReason = reason;
            changed = true;
        }

        if (commitment.IsPublished && commitment.ConfirmedUtc is null)
        {
            commitment.ConfirmedUtc = now;
            commitment.ConfirmedBy = vars["review"]?["actor"]?.GetValue<string>();
            changed = true;
            context.Emit(commitment.ConfirmedBy, seq => new CommitmentConfirmed(item.Id.Value, item.AllianceId.Value, context.Concerned(), seq,
                commitment.Id.Value, commitment.UnitId.Value, commitment.Year, commitment.Title, commitment.Category, commitment.TargetQuantity,
                commitment.TargetUnit, commitment.ConfirmedBy));
        }

        changed |= await ProjectPeriodsAsync(context, commitment, vars, now, cancellationToken);

        if (vars["assessment"] is JsonObject assessment && commitment.AssessedUtc is null)
        {
            commitment.Assessment = assessment["outcome"]?.GetValue<string>();
            commitment.AssessmentEvidence = assessment["fields"]?["evidence"]?.GetValue<string>();
            commitment.AssessmentOpinion = assessment["comment"]?.GetValue<string>() ?? assessment["fields"]?["opinion"]?.GetValue<string>();
            commitment.AssessedBy = assessment["actor"]?.GetValue<string>();
            commitment.AssessedUtc = now;
            changed = true;
        }

        if (changed)
        {
            commitment.UpdatedUtc = now;
            commitment.Revision++;
        }
    }

    private async Task<bool> ProjectPeriodsAsync(ItemProjectionContext context, Commitment commitment, JsonObject vars, DateTime now, CancellationToken cancellationToken)
    {
        var changed = false;
        var periods = await db.Set<CommitmentPeriod>().Where(p => p.CommitmentId == commitment.Id).ToListAsync(cancellationToken);
        if (vars["period"] is JsonObject current && current["n"]?.GetValue<int>() is { } number && periods.TrueForAll(p => p.Number != number))
        {
            var period = new CommitmentPeriod
            {
                Id = Guid.CreateVersion7(),
                CommitmentId = commitment.Id,
                Number = number,
                FromUtc = Utc(current["from"]),
                ToUtc = Utc(current["to"]),
            };
            periods.Add(period);
            db.Add(period);
            changed = true;
        }

        // the open report task belongs to the latest period (the route opens one report task per period)
        if (periods.Count > 0 && context.Tasks.FirstOrDefault(t => t.IsOpen && t.Step == "report") is { } open)
        {
            var latest = periods.MaxBy(p => p.Number)!;
            if (latest.ReportTaskId is null)
            {
                latest.ReportTaskId = open.Id;
                latest.DueUtc = open.DeadlineUtc;
                changed = true;
            }
        }

        foreach (var missed in (vars["missed"] as JsonArray ?? []).Select(n => n?.GetValue<int>()))
        {
            if (periods.Find(p => p.Number == missed) is { MissedUtc: null } period)
            {
                period.MissedUtc = period.DueUtc ?? now;
                changed = true;
            }
        }

        foreach (var report in (vars["reports"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var n = report["n"]!.GetValue<int>();
            if (periods.Find(p => p.Number == n) is not { ReportedUtc: null } period)
            {
                continue;
            }

            period.Quantity = report["quantity"]!.GetValue<decimal>();
            period.Note = report["note"]?.GetValue<string>();
            period.Evidence = report["evidence"]?.GetValue<string>();
            period.ReportedBy = report["by"]?.GetValue<string>();
            period.ReportedUtc = report["at"] is { } at ? Utc(at) : now;
            period.Late = report["late"]?.GetValue<bool>() == true;
            commitment.DoneQuantity = periods.Sum(p => p.Quantity ?? 0);
            changed = true;
            if (period.Late)
            {
                await SettleMissingReportAsync(context, period, now, cancellationToken);
            }

            context.Emit(period.ReportedBy, seq => new ProgressReported(context.Item.Id.Value, context.Item.AllianceId.Value, context.Concerned(), seq,
                commitment.Id.Value, commitment.UnitId.Value, period.Number, period.Quantity.Value, commitment.DoneQuantity, commitment.TargetQuantity,
                period.Late, period.ReportedBy));
        }

        // the item is overdue while a period's report is missing and not yet handed in late
        var missing = periods.Exists(p => p.MissedUtc is not null && p.ReportedUtc is null);
        if (context.Item.Overdue != missing && !context.Item.IsClosed)
        {
            context.Item.Overdue = missing;
        }

        return changed;
    }

    /// <summary>
    /// A missing report handed in late: its report task counts as reported late rather than left at its deadline, so
    /// no 督办 entry is raised for it any more, and an entry already raised is resolved.
    /// </summary>
    private async Task SettleMissingReportAsync(ItemProjectionContext context, CommitmentPeriod period, DateTime now, CancellationToken cancellationToken)
    {
        if (context.Tasks.FirstOrDefault(t => t.Id == period.ReportTaskId) is { Outcome: "deadline" } task)
        {
            task.Outcome = "reportedLate";
        }

        foreach (var entry in await db.Set<SupervisionEntry>().Where(e => e.TaskId == period.ReportTaskId && e.ResolvedUtc == null).ToListAsync(cancellationToken))
        {
            entry.ResolvedUtc = now;
        }
    }

    private static DateTime Utc(JsonNode? node) =>
        DateTime.Parse(node!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
}
