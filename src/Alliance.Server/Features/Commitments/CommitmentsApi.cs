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
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        errors.Required("allianceId", request.AllianceId, new("联盟", "alliance"));
        Validate(errors, request);
        PartyAlliance? alliance = null;
        if (request.AllianceId is { } allianceId)
        {
            alliance = scope.CanSeeAlliance(allianceId) ? await db.Alliances.AsNoTracking().SingleOrDefaultAsync(a => a.Id == allianceId, cancellationToken) : null;
            if (alliance is null)
            {
                errors.Unknown("allianceId", new("联盟", "alliance"));
            }
            else if (alliance.Status != AllianceStatus.Active)
            {
                errors.Add("allianceId", "该联盟已解散。", "The alliance is dissolved.");
            }
        }

        OrganisationId? unit = null;
        if (alliance is not null)
        {
            CategoryVocabulary.Check(errors, "category", request.Category, alliance.Rules.Categories);
            var units = (await ItemRoutes.MembersAsync(db, alliance.Id, cancellationToken))
                .Where(m => m.Kind == OrganisationKind.Unit && ActsAsUnit(scope, m.Id)).Select(m => m.Id).ToList();
            if (request.UnitId is { } asked)
            {
                if (!units.Contains(asked))
                {
                    errors.NotActingFor(new("成员单位", "member unit of the alliance"));
                }
                else
                {
                    unit = asked;
                }
            }
            else if (units.Count == 1)
            {
                unit = units[0];
            }
            else if (units.Count > 1)
            {
                errors.Add("unitId", "您代表多个成员单位，请选择以哪个单位作出承诺。", "You act for several member units: choose the unit that commits.");
            }

            if (request.Year is { } year && year < CurrentYear(alliance, time))
            {
                errors.Add("year", "不能为已过去的年度作出承诺。", "A commitment cannot be made for a past year.");
            }
            else if (request.Year is { } future && future > CurrentYear(alliance, time) + 1)
            {
                errors.Add("year", "只能为本年度或下一年度作出承诺。", "Commitments are made for this year or the next.");
            }
        }

        errors.ThrowIfAny();
        if (unit is null)
        {
            throw new ForbiddenProblem("commitment.not-unit", new(
                "只有联盟成员单位的联络员、党组织书记或兼职委员可以作出共建承诺。",
                "Only a contact, party secretary or part-time member of a member unit of the alliance may make a commitment."));
        }

        var now = time.GetUtcNow().UtcDateTime;
        var commitment = new Commitment
        {
            Id = CommitmentId.New(),
            AllianceId = alliance!.Id,
            UnitId = unit.Value,
            Year = request.Year!.Value,
            Title = request.Title!.Trim(),
            Category = request.Category!.Trim(),
            TargetUnit = request.TargetUnit!.Trim(),
            Schedule = request.Schedule!.Trim(),
            ResponsiblePerson = request.ResponsiblePerson!.Trim(),
            CreatedBy = scope.UserId,
            CreatedUtc = now,
            UpdatedUtc = now,
        };
        Apply(commitment, request);
        db.Add(commitment);
        await audit.SaveAsync(new AuditRecord("commitment.drafted", "commitment", commitment.Id.ToString(), unit, null, Snapshot(commitment)), cancellationToken);
        return TypedResults.Created($"/api/commitments/{commitment.Id}", await ViewAsync(db, commitment, withPeriods: true, cancellationToken));
    }

    public static async Task<Ok<CommitmentView>> Revise(
        CommitmentId id, CommitmentRequest request, AccessScope scope, AllianceDbContext db, AuditTrail audit, TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var commitment = await FindVisibleAsync(db, scope, id, tracked: true, cancellationToken);
        DemandUnit(scope, commitment);
        if (commitment.Status is not (Commitment.DraftStatus or "returned"))
        {
            throw new ConflictProblem("commitment.not-editable", new(
                $"承诺当前状态为 {commitment.Status}，只有草稿或被退回的承诺可以修改。",
                $"The commitment is {commitment.Status}; only a draft or a returned commitment can be changed."));
        }

        var errors = new FieldErrors();
        Validate(errors, request);
        var rules = (await db.Alliances.AsNoTracking().SingleAsync(a => a.Id == commitment.AllianceId, cancellationToken)).Rules;
        CategoryVocabulary.Check(errors, "category", request.Category, rules.Categories);
        if (request.AllianceId is { } alliance && alliance != commitment.AllianceId)
        {
            errors.Add("allianceId", "承诺的联盟不能更改。", "The alliance of a commitment cannot be changed.");
        }

        if (request.UnitId is { } unit && unit != commitment.UnitId)
        {
            errors.Add("unitId", "承诺单位不能更改。", "The committing unit cannot be changed.");
        }

        if (request.Year is { } year && year != commitment.Year)
        {
            errors.Add("year", "承诺年度不能更改。", "The year of a commitment cannot be changed.");
        }

        errors.ThrowIfAny();
        var before = Snapshot(commitment);
        commitment.Title = request.Title!.Trim();
        commitment.Category = request.Category!.Trim();
        commitment.TargetUnit = request.TargetUnit!.Trim();
        commitment.Schedule = request.Schedule!.Trim();
        commitment.ResponsiblePerson = request.ResponsiblePerson!.Trim();
        Apply(commitment, request);
        commitment.UpdatedUtc = time.GetUtcNow().UtcDateTime;
        commitment.Revision++;
        if (commitment.ItemId is { } itemId && await db.Set<Item>().SingleOrDefaultAsync(i => i.Id == itemId, cancellationToken) is { } item)
        {
            item.Title = commitment.Title;
            item.Category = commitment.Category;
            item.Description = ItemDescription(commitment);
            item.UpdatedUtc = commitment.UpdatedUtc;
            item.Revision++;
        }

        try
        {
            await audit.SaveAsync(new AuditRecord("commitment.revised", "commitment", id.ToString(), commitment.UnitId, before, Snapshot(commitment)), cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw Changed();
        }

        return TypedResults.Ok(await ViewAsync(db, commitment, withPeriods: true, cancellationToken));
    }

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

    private static void Validate(FieldErrors errors, CommitmentRequest request)
    {
        errors.Required("year", request.Year, new("承诺年度", "year"));
        errors.Text("title", request.Title, new("承诺事项", "title"), 200);
        errors.Text("category", request.Category, new("类别", "category"), 50);
        errors.Text("description", request.Description, new("说明", "description"), 4000, required: false);
        errors.Required("targetQuantity", request.TargetQuantity, new("目标数量", "target quantity"));
        if (request.TargetQuantity is { } quantity && (quantity <= 0 || quantity > 1_000_000 || decimal.Round(quantity, 2) != quantity))
        {
            errors.Add("targetQuantity", "目标数量须为大于 0、不超过 1000000 的数（至多两位小数）。",
                "The target quantity must be greater than 0 and at most 1,000,000 (at most two decimals).");
        }

        errors.Text("targetUnit", request.TargetUnit, new("计量单位", "unit of the target"), 20);
        errors.Text("schedule", request.Schedule, new("时间安排", "schedule"), 500);
        errors.Text("responsiblePerson", request.ResponsiblePerson, new("责任人", "responsible person"), 50);
        errors.Text("responsiblePhone", request.ResponsiblePhone, new("责任人电话", "responsible person's phone"), 30, required: false);
    }

    private static void Apply(Commitment commitment, CommitmentRequest request)
    {
        commitment.Description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim();
        commitment.TargetQuantity = request.TargetQuantity!.Value;
        commitment.ResponsiblePhone = string.IsNullOrWhiteSpace(request.ResponsiblePhone) ? null : request.ResponsiblePhone.Trim();
    }

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

    private static object Snapshot(Commitment c) => new
    {
        c.AllianceId, c.UnitId, c.Year, c.Title, c.Category, c.Description, c.TargetQuantity, c.TargetUnit, c.Schedule, c.ResponsiblePerson,
        c.ResponsiblePhone, c.Status,
    };

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
