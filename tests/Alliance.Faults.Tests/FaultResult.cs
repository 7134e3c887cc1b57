using System.Globalization;

namespace Alliance.Faults.Tests;

/// <summary>What one fault did to the items submitted around it, and how long the system took to settle.</summary>
public sealed record FaultResult(
    string Fault,
    int Attempts,
    int Accepted,
    int Answers503,
    int RefusedOther,
    int Retried,
    int ReplayedAfterError,
    int Unknown,
    int UnknownThatExist,
    int Lost,
    int Duplicated,
    int RefusedButDone,
    int OrphanedRoutes,
    int ItemsWithoutRoute,
    int StatusMismatches,
    long TimelineRepeats,
    long TimelineGaps,
    int Stuck,
    long OutboxLeft,
    int WatcherMissing,
    int WatcherDuplicates,
    bool WatcherInOrder,
    bool AuditIntact,
    double? FirstAcceptAfterHealSeconds,
    double SettledAfterHealSeconds,
    double DurationSeconds)
{
    public const string Header =
        "| fault | submissions | accepted | 503 answers | other refusals | retried (earlier try had taken effect) | no answer in the end (exist) | lost | duplicated | orphaned routes | items w/o route | status ≠ route | stuck | outbox left | watcher missing / twice / in order | audit | first accept after heal | settled after heal | run |";

    public const string Rule = "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|";

    public string Row => string.Create(CultureInfo.InvariantCulture,
        $"| {Fault} | {Attempts} | {Accepted} | {Answers503} | {RefusedOther} | {Retried} ({ReplayedAfterError}) | {Unknown} ({UnknownThatExist}) | {Lost} | {Duplicated + RefusedButDone} | {OrphanedRoutes} | {ItemsWithoutRoute} | {StatusMismatches} | {Stuck} | {OutboxLeft} | {WatcherMissing} / {WatcherDuplicates} / {(WatcherInOrder ? "yes" : "NO")} | {(AuditIntact ? "intact" : "BROKEN")} | {(FirstAcceptAfterHealSeconds is { } f ? f.ToString("F1", CultureInfo.InvariantCulture) + " s" : "-")} | {SettledAfterHealSeconds:F1} s | {DurationSeconds:F0} s |");

    /// <summary>Every promise this run broke, one line each (empty: none).</summary>
    public IReadOnlyList<string> Broken()
    {
        var broken = new List<string>();
        void Check(bool ok, string what)
        {
            if (!ok)
            {
                broken.Add(what);
            }
        }

        Check(Lost == 0, $"{Lost} accepted item(s) lost");
        Check(Duplicated == 0, $"{Duplicated} title(s) exist more than once");
        Check(RefusedButDone == 0, $"{RefusedButDone} refused submission(s) were done anyway");
        Check(RefusedOther == 0, $"{RefusedOther} submission(s) refused other than by 503 (e.g. a 500)");
        Check(OrphanedRoutes == 0, $"{OrphanedRoutes} route(s) without their item");
        Check(ItemsWithoutRoute == 0, $"{ItemsWithoutRoute} item(s) without their route");
        Check(StatusMismatches == 0, $"{StatusMismatches} item(s) whose status is not their route's");
        Check(TimelineRepeats == 0, $"{TimelineRepeats} repeated timeline entr(y/ies)");
        Check(TimelineGaps == 0, $"{TimelineGaps} item(s) with a gap in the timeline");
        Check(Stuck == 0, $"{Stuck} route(s) stuck (running, faulted or with an open incident)");
        Check(OutboxLeft == 0, $"{OutboxLeft} outbox row(s) still unsent after the wait");
        Check(WatcherMissing == 0, $"{WatcherMissing} stream event(s) never reached the watcher");
        Check(WatcherDuplicates == 0, $"{WatcherDuplicates} event(s) pushed twice");
        Check(WatcherInOrder, "the watcher got events out of order");
        Check(AuditIntact, "the audit chain does not verify");
        return broken;
    }
}
