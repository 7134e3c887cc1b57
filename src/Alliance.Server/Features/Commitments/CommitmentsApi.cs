using System.Globalization;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Audit;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Alliance.Workflows;
using Alliance.Workflows.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Commitments;

/// <summary>
/// 共驻共建承诺事项: a unit drafts its commitments for a year and submits them; the alliance confirms or returns each
/// (through the task inbox, <c>/api/tasks</c>); confirmed commitments are published to every member; progress reports
/// and the year-end assessment are tasks of the <c>commitment</c> route. Figures: "承诺共建事项 N 项" per alliance and year.
/// </summary>
public static class CommitmentsApi
{
    public static readonly BilingualText Thing = new("共建承诺", "commitment");

    public static IEndpointRouteBuilder MapCommitmentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/commitments").WithTags("Commitments").RequireAuthorization();
        api.MapPost("/", Draft).WithName("DraftCommitment")
            .WithSummary("A unit drafts a commitment for a year: title, category, measurable target, schedule, responsible person / 起草共建承诺");
        api.MapPut("/{id}", Revise).WithName("ReviseCommitment")
            .WithSummary("The unit edits its draft or a returned commitment (every field is replaced) / 修改承诺草稿或被退回的承诺");
        api.MapPost("/{id}/submit", Submit).WithName("SubmitCommitment")
            .WithSummary("Submit a draft to the alliance (starts the commitment route), or resubmit a returned one / 提交或重新提交共建承诺");
        api.MapGet("/", List).WithName("ListCommitments")
            .WithSummary("Commitments the caller sees: published ones of their alliances, their unit's own, and those their alliances review / 共建承诺清单");
        api.MapGet("/figures", Figures).WithName("CommitmentFigures")
            .WithSummary("承诺共建事项 N 项: published commitments per alliance for a year, with year-end outcomes / 共建承诺统计");
        api.MapGet("/{id}", Get).WithName("GetCommitment")
            .WithSummary("A commitment with its progress against the target, every reporting period and the year-end assessment / 共建承诺详情与进展");
        return app;
    }

    public sealed record CommitmentRequest(
        AllianceId? AllianceId, OrganisationId? UnitId, int? Year, string? Title, string? Category, string? Description, decimal? TargetQuantity,
        string? TargetUnit, string? Schedule, string? ResponsiblePerson, string? ResponsiblePhone);

    public sealed record PeriodView(
        int Number, DateTime FromUtc, DateTime ToUtc, DateTime? DueUtc, string State, decimal? Quantity, string? Note, string? Evidence, string? ReportedBy,
        DateTime? ReportedUtc, DateTime? MissedUtc);

    public sealed record CommitmentView(
        CommitmentId Id, AllianceId AllianceId, string? AllianceName, OrganisationId UnitId, string? UnitName, int Year, string Title, string Category,
        string? Description, decimal TargetQuantity, string TargetUnit, string Schedule, string ResponsiblePerson, string? ResponsiblePhone, string Status,
        bool Published, ItemId? ItemId, string? ReturnReason, DateTime? ConfirmedUtc, decimal DoneQuantity, decimal ProgressPercent, string? Assessment,
        string? AssessmentEvidence, string? AssessmentOpinion, DateTime? AssessedUtc, DateTime CreatedUtc, DateTime UpdatedUtc,
        IReadOnlyList<PeriodView>? Periods);

    public sealed record AllianceFigures(
        AllianceId AllianceId, string Name, int Year, int Commitments, int Units, int Fulfilled, int PartlyFulfilled, int NotFulfilled, int AwaitingAssessment,
        int UnderReview, decimal AverageProgressPercent, string Line);

    public sealed record FiguresResponse(int Year, int Commitments, int Fulfilled, int PartlyFulfilled, int NotFulfilled, IReadOnlyList<AllianceFigures> Alliances);

    public static async Task<Created<CommitmentView>> Draft(
        CommitmentRequest request, AccessScope scope, AllianceDbContext db, AuditTrail audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var view = await CommitmentOperations.DraftAsync(request, scope, db, audit, time, cancellationToken);
        return TypedResults.Created($"/api/commitments/{view.Id}", view);
    }

    public static async Task<Ok<CommitmentView>> Revise(
        CommitmentId id, CommitmentRequest request, AccessScope scope, AllianceDbContext db, AuditTrail audit, TimeProvider time,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await CommitmentOperations.ReviseAsync(id, request, scope, db, audit, time, cancellationToken));

    public static async Task<Ok<CommitmentView>> Submit(
        CommitmentId id, AccessScope scope, AllianceDbContext db, WorkflowRuntime runtime, TaskOperations tasks, TimeProvider time, CancellationToken cancellationToken) =>
        TypedResults.Ok(await CommitmentOperations.SubmitAsync(id, scope, db, runtime, tasks, time, cancellationToken));

    public static async Task<Ok<List<CommitmentView>>> List(
        AccessScope scope, AllianceDbContext db, AllianceId? alliance, int? year, OrganisationId? unit, string? status, CancellationToken cancellationToken) =>
        TypedResults.Ok(await CommitmentOperations.ListAsync(scope, db, alliance, year, unit, status, cancellationToken));

    public static async Task<Ok<CommitmentView>> Get(CommitmentId id, AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await CommitmentOperations.GetAsync(id, scope, db, cancellationToken));

    public static async Task<Ok<FiguresResponse>> Figures(
        AccessScope scope, AllianceDbContext db, TimeProvider time, AllianceId? alliance, int? year, CancellationToken cancellationToken)
    {
        if (alliance is { } only && !scope.IsDistrictAdmin && !scope.CanSeeAlliance(only))
        {
            throw new NotFoundProblem(new BilingualText("联盟", "alliance"));
        }

        var alliances = db.Alliances.AsNoTracking();
        if (alliance is { } selected)
        {
            alliances = alliances.Where(a => a.Id == selected);
        }
        else if (!scope.IsDistrictAdmin)
        {
            var visible = scope.VisibleAllianceIds.ToList();
            alliances = alliances.Where(a => visible.Contains(a.Id));
        }

        var list = await alliances.OrderBy(a => a.Name).Select(a => new { a.Id, a.Name }).ToListAsync(cancellationToken);
        if (alliance is not null && list.Count == 0)
        {
            throw new NotFoundProblem(new BilingualText("联盟", "alliance"));
        }

        var the = year ?? time.GetUtcNow().Year;
        var ids = list.Select(a => a.Id).ToList();
        var commitments = await db.Set<Commitment>().AsNoTracking().Where(c => c.Year == the && ids.Contains(c.AllianceId) && c.Status != Commitment.DraftStatus)
            .ToListAsync(cancellationToken);
        var rows = list.Select(a =>
        {
            var all = commitments.Where(c => c.AllianceId == a.Id).ToList();
            var published = all.Where(c => c.IsPublished).ToList();
            return new AllianceFigures(a.Id, a.Name, the, published.Count, published.Select(c => c.UnitId).Distinct().Count(),
                published.Count(c => c.Status == "fulfilled"), published.Count(c => c.Status == "partly-fulfilled"), published.Count(c => c.Status == "not-fulfilled"),
                published.Count(c => c.Status is "confirmed" or "assessing"), all.Count(c => c.Status is "submitted" or "returned"),
                published.Count == 0 ? 0 : Math.Round(published.Average(c => c.ProgressPercent), 1),
                $"承诺共建事项 {published.Count} 项");
        }).ToList();
        return TypedResults.Ok(new FiguresResponse(the, rows.Sum(r => r.Commitments), rows.Sum(r => r.Fulfilled), rows.Sum(r => r.PartlyFulfilled),
            rows.Sum(r => r.NotFulfilled), rows));
    }

    /// <summary>
    /// Commitments the caller can see (docs/architecture.md): the district all; a unit's people their unit's own, drafts
    /// included; the alliance's host (and the street above a community) every submitted one; every member of an
    /// alliance the published ones (公示). Anything else answers 404.
    /// </summary>
    public static async Task<IQueryable<Commitment>> VisibleAsync(AllianceDbContext db, AccessScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(scope);
        var commitments = db.Set<Commitment>().AsNoTracking();
        if (scope.IsDistrictAdmin)
        {
            return commitments;
        }

        var acting = scope.ActingOrganisationIds.ToList();
        var visibleOrganisations = scope.VisibleOrganisationIds.ToList();
        var members = scope.VisibleAllianceIds.ToList();
        var hosted = await db.Alliances.AsNoTracking().Where(a => visibleOrganisations.Contains(a.HostOrganisationId)).Select(a => a.Id).ToListAsync(cancellationToken);
        var published = Commitment.PublishedStatuses.ToList();
        return commitments.Where(c => acting.Contains(c.UnitId)
            || (c.Status != Commitment.DraftStatus && hosted.Contains(c.AllianceId))
            || (published.Contains(c.Status) && members.Contains(c.AllianceId)));
    }

    internal static async Task<Commitment> FindVisibleAsync(AllianceDbContext db, AccessScope scope, CommitmentId id, bool tracked, CancellationToken cancellationToken)
    {
        var visible = await (await VisibleAsync(db, scope, cancellationToken)).AnyAsync(c => c.Id == id, cancellationToken);
        var commitment = visible
            ? await (tracked ? db.Set<Commitment>() : db.Set<Commitment>().AsNoTracking()).SingleOrDefaultAsync(c => c.Id == id, cancellationToken)
            : null;
        return commitment ?? throw new NotFoundProblem(Thing);
    }

    /// <summary>Acting for a unit: its contact, party secretary or part-time member (workflow role <c>unit</c>).</summary>
    internal static bool ActsAsUnit(AccessScope scope, OrganisationId unit) =>
        WorkflowRoles.ByOrganisation(scope).GetValueOrDefault(unit)?.Contains(WorkflowRoles.Unit) == true;

    internal static void DemandUnit(AccessScope scope, Commitment commitment)
    {
        if (!ActsAsUnit(scope, commitment.UnitId))
        {
            throw new ForbiddenProblem("commitment.not-unit", new("只有作出承诺的单位可以修改或提交它。", "Only the unit that made the commitment may change or submit it."));
        }
    }

    internal static ConflictProblem Changed() =>
        new("commitment.changed", new("该承诺刚被他人修改或提交，请刷新后重试。", "The commitment was just changed or submitted by someone else; reload and try again."));



    internal static string ItemDescription(Commitment c) =>
        $"{c.Year}年度承诺：{c.TargetQuantity.ToString("0.##", CultureInfo.InvariantCulture)}{c.TargetUnit}；时间安排：{c.Schedule}；责任人：{c.ResponsiblePerson}"
        + (c.Description is null ? "" : $"\n{c.Description}");

    internal static int CurrentYear(PartyAlliance alliance, TimeProvider time) =>
        TimeZoneInfo.ConvertTime(time.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(alliance.Rules.TimeZone)).Year;

    /// <summary>The route's inputs: the commitment's year in the alliance's time zone and every setting of its rules at submission.</summary>
    internal static JsonObject Inputs(Item item, Commitment commitment, RulesOfProcedure rules)
    {
        var start = StartOfYear(commitment.Year, rules.TimeZone);
        var end = StartOfYear(commitment.Year + 1, rules.TimeZone);
        return new JsonObject
        {
            ["itemId"] = item.Id.ToString(),
            ["commitmentId"] = commitment.Id.ToString(),
            ["allianceId"] = item.AllianceId.ToString(),
            ["hostId"] = item.HostOrganisationId.ToString(),
            ["streetId"] = item.StreetId.ToString(),
            ["requesterId"] = commitment.UnitId.ToString(),
            ["yearStart"] = start.ToString("O", CultureInfo.InvariantCulture),
            ["yearEnd"] = end.ToString("O", CultureInfo.InvariantCulture),
            ["assessmentAt"] = (end + rules.CommitmentReportWindow).ToString("O", CultureInfo.InvariantCulture),
            ["reportSchedule"] = rules.CommitmentReportSchedule,
            ["timeZone"] = rules.TimeZone,
            ["reportWindow"] = ItemRoutes.Iso(rules.CommitmentReportWindow),
            ["reportReminders"] = new JsonArray([.. rules.CommitmentReportReminders.Select(o => JsonValue.Create(ItemRoutes.Iso(o)))]),
            ["intakeReviewDeadline"] = ItemRoutes.Iso(rules.IntakeReviewDeadline),
            ["assessmentWindow"] = ItemRoutes.Iso(rules.CommitmentAssessmentWindow),
            ["reminders"] = new JsonArray([.. rules.ReminderOffsets.Select(o => JsonValue.Create(ItemRoutes.Iso(o)))]),
        };
    }

    /// <summary>1 January of <paramref name="year"/>, 00:00 in the alliance's time zone, in UTC.</summary>
    public static DateTime StartOfYear(int year, string timeZone) =>
        TimeZoneInfo.ConvertTimeToUtc(new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Unspecified), TimeZoneInfo.FindSystemTimeZoneById(timeZone));


    internal static async Task<Dictionary<Guid, string>> NamesAsync(AllianceDbContext db, IReadOnlyList<Commitment> rows, CancellationToken cancellationToken)
    {
        var units = rows.Select(c => c.UnitId).Distinct().ToList();
        var alliances = rows.Select(c => c.AllianceId).Distinct().ToList();
        var names = await db.Organisations.AsNoTracking().Where(o => units.Contains(o.Id)).ToDictionaryAsync(o => o.Id.Value, o => o.Name, cancellationToken);
        foreach (var a in await db.Alliances.AsNoTracking().Where(a => alliances.Contains(a.Id)).Select(a => new { a.Id, a.Name }).ToListAsync(cancellationToken))
        {
            names[a.Id.Value] = a.Name;
        }

        return names;
    }

    internal static async Task<CommitmentView> ViewAsync(AllianceDbContext db, Commitment commitment, bool withPeriods, CancellationToken cancellationToken)
    {
        var names = await NamesAsync(db, [commitment], cancellationToken);
        var periods = withPeriods
            ? await db.Set<CommitmentPeriod>().AsNoTracking().Where(p => p.CommitmentId == commitment.Id).OrderBy(p => p.Number).ToListAsync(cancellationToken)
            : null;
        return View(commitment, names, periods);
    }

    internal static CommitmentView View(Commitment c, Dictionary<Guid, string> names, IReadOnlyList<CommitmentPeriod>? periods) =>
        new(c.Id, c.AllianceId, names.GetValueOrDefault(c.AllianceId.Value), c.UnitId, names.GetValueOrDefault(c.UnitId.Value), c.Year, c.Title, c.Category,
            c.Description, c.TargetQuantity, c.TargetUnit, c.Schedule, c.ResponsiblePerson, c.ResponsiblePhone, c.Status, c.IsPublished, c.ItemId,
            c.ReturnReason, c.ConfirmedUtc, c.DoneQuantity, c.ProgressPercent, c.Assessment, c.AssessmentEvidence, c.AssessmentOpinion, c.AssessedUtc,
            c.CreatedUtc, c.UpdatedUtc,
            periods?.Select(p => new PeriodView(p.Number, p.FromUtc, p.ToUtc, p.DueUtc, p.State, p.Quantity, p.Note, p.Evidence, p.ReportedBy, p.ReportedUtc,
                p.MissedUtc)).ToList());
}

/// <summary>Links the commitment to its new item in the route's first commit, unless the commitment changed since it was read.</summary>
internal sealed record CommitmentSubmitted(CommitmentId Id, int Revision, DateTime At) : IItemAlongside
{
    public async Task ApplyAsync(AllianceDbContext db, Item item, ItemEvents events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(item);
        var tracked = await db.Set<Commitment>().SingleAsync(c => c.Id == Id, cancellationToken);
        if (tracked.Revision != Revision || tracked.Status != Commitment.DraftStatus)
        {
            throw new DbUpdateConcurrencyException("The commitment changed while it was submitted.");
        }

        tracked.ItemId = item.Id;
        tracked.UpdatedUtc = At;
        tracked.Revision++;
    }
}
