using System.Diagnostics;
using Alliance.Server.Features.Assessments;
using Alliance.Server.Features.People;
using Alliance.Server.Features.Reports;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Reports.Benchmarks;

/// <summary>
/// The year-end scores (issue 18, "the year-end scores computed in under 5 s"): the chair of each of the seeded district's
/// 20 streets computes the year's assessment through <see cref="AssessmentOperations.ComputeAsync"/> (what
/// <c>POST /api/assessments</c> and the 考核 page call: the street's circle, its figures for the year, the scores of every
/// member, the draft stored with its audit entry), before the figure deltas are folded; then, after the folding,
/// <see cref="AssessmentOperations.RecomputeAsync"/> for every street, <paramref name="rounds"/> rounds. Beside each
/// recompute, alternated, as the baseline: the same street's figures alone (<see cref="ReportOperations.FiguresAsync"/> over
/// its circle), so what scoring and storing add shows as the difference.
/// </summary>
internal static class AssessmentBenchmark
{
    public static async Task RunAsync(WebApplicationFactory<Program> app, DistrictYear year, Func<Task> fold, int rounds)
    {
        var chair = await BenchScopes.OfAsync(app, "bench-chair", AllianceRole.StreetChair, year.StreetAlliances.Select(s => s.HostOrganisationId));
        var drafts = new List<Guid>();
        var computed = new List<double>();
        var whole = Stopwatch.StartNew();
        var scored = 0;
        foreach (var street in year.StreetAlliances)
        {
            using var services = app.Services.CreateScope();
            var watch = Stopwatch.StartNew();
            var view = await services.ServiceProvider.GetRequiredService<AssessmentOperations>().ComputeAsync(chair, street.Id, DistrictYear.Year, CancellationToken.None);
            computed.Add(watch.Elapsed.TotalMilliseconds);
            drafts.Add(view.Assessment.Id);
            scored += view.Scores.Count;
        }

        Console.WriteLine($"| before folding | compute, 20 streets one after another | {whole.Elapsed.TotalMilliseconds:0} ms in all | per street {Summary(computed)} | {scored} organisations scored |");

        await fold();
        for (var round = 1; round <= rounds; round++)
        {
            var recomputed = new List<double>();
            var figures = new List<double>();
            var all = TimeSpan.Zero;
            for (var i = 0; i < drafts.Count; i++)
            {
                using (var services = app.Services.CreateScope())
                {
                    var db = services.ServiceProvider.GetRequiredService<AllianceDbContext>();
                    var watch = Stopwatch.StartNew();
                    var circle = await StreetCircle.OfAsync(db, year.StreetAlliances[i], CancellationToken.None);
                    await services.ServiceProvider.GetRequiredService<ReportOperations>().FiguresAsync(
                        new ReportScope(circle.AllianceIds, null), (DistrictYear.Year * 100) + 1, (DistrictYear.Year * 100) + 12, CancellationToken.None);
                    figures.Add(watch.Elapsed.TotalMilliseconds);
                }

                using (var services = app.Services.CreateScope())
                {
                    var watch = Stopwatch.StartNew();
                    await services.ServiceProvider.GetRequiredService<AssessmentOperations>().RecomputeAsync(chair, drafts[i], CancellationToken.None);
                    recomputed.Add(watch.Elapsed.TotalMilliseconds);
                    all += watch.Elapsed;
                }
            }

            Console.WriteLine($"| after folding, round {round} | recompute, 20 streets | {all.TotalMilliseconds:0} ms in all | per street {Summary(recomputed)} | baseline, the street's figures alone: {Summary(figures)}, {figures.Sum():0} ms in all |");
        }
    }

    private static string Summary(List<double> times)
    {
        var sorted = times.Order().ToList();
        return $"median {sorted[sorted.Count / 2]:0} ms, max {sorted[^1]:0} ms";
    }
}
