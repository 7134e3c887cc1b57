using System.Globalization;
using System.Text.Json;
using Alliance.Contracts.Assessments;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Audit;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.Reports;
using Alliance.Server.Infrastructure.Messaging.Outbox;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Assessments;

/// <summary>
/// 年度考核 for the API and the pages alike. Who sees what: the street and the district (<see cref="ReportScope.Oversees"/>)
/// read every assessment of the street, drafts included; once published, a community or unit reads its own score and
/// objections only (another organisation's score is 404). The street's chair computes, publishes, rules on objections and
/// submits; the district approves or returns. Each step out of order is 409 with the reason.
/// </summary>
public sealed class AssessmentOperations(AllianceDbContext db, ReportOperations reports, AuditTrail audit, TimeProvider time)
{
    private static readonly BilingualText Thing = new("考核", "assessment");
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<List<AssessmentSummary>> ListAsync(AccessScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var streets = await db.Alliances.AsNoTracking().Where(a => a.Level == AllianceLevel.Street).ToDictionaryAsync(a => a.Id, cancellationToken);
        var assessments = await db.Set<YearAssessment>().AsNoTracking().OrderByDescending(a => a.Year).ThenBy(a => a.Title).Take(200).ToListAsync(cancellationToken);
        var open = await OpenObjectionsAsync(assessments.Select(a => a.Id).ToList(), cancellationToken);
        return [.. assessments.Select(a => (Assessment: a, Content: Content(a), Street: streets[a.AllianceId]))
            .Where(x => Oversees(scope, x.Street) || Own(scope, x.Assessment, x.Content).Count > 0)
            .Select(x => Summary(scope, x.Assessment, x.Street, x.Content, open.GetValueOrDefault(x.Assessment.Id)))];
    }

    public async Task<AssessmentView> GetAsync(AccessScope scope, Guid id, CancellationToken cancellationToken)
    {
        var (assessment, street, content) = await ReadableAsync(scope, id, cancellationToken);
        return await ViewAsync(scope, assessment, street, content, cancellationToken);
    }

    /// <summary>One organisation's score and evidence: for the street and the district, or the organisation itself once published; 404 otherwise.</summary>
    public async Task<OrganisationScore> ScoreAsync(AccessScope scope, Guid id, OrganisationId organisation, CancellationToken cancellationToken)
    {
        var (assessment, street, content) = await ReadableAsync(scope, id, cancellationToken);
        var visible = Oversees(scope, street) ? content.Scores : Own(scope, assessment, content);
        return visible.FirstOrDefault(s => s.OrganisationId == organisation) ?? throw new NotFoundProblem(new BilingualText("考核得分", "score"));
    }

    /// <summary>Whether the caller may read the assessment (and so follow its stream): the rule of <see cref="GetAsync"/>.</summary>
    public async Task<bool> CanReadAsync(AccessScope scope, Guid id, CancellationToken cancellationToken)
    {
        try
        {
            await ReadableAsync(scope, id, cancellationToken);
            return true;
        }
        catch (NotFoundProblem)
        {
            return false;
        }
    }

    /// <summary>The street's chair computes the year's assessment (a draft) from the figures as they are now.</summary>
    public async Task<AssessmentView> ComputeAsync(AccessScope scope, AllianceId alliance, int? year, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var street = await db.Alliances.AsNoTracking().SingleOrDefaultAsync(a => a.Id == alliance, cancellationToken);
        if (street is null || !Oversees(scope, street))
        {
            throw new NotFoundProblem(new BilingualText("联盟", "alliance"));
        }

        var errors = new FieldErrors();
        if (street.Level != AllianceLevel.Street)
        {
            errors.Add("alliance", "年度考核按街道大党工委进行，请选择街道联盟。", "The year-end assessment is per street alliance; choose the street's alliance.");
        }

        var thisYear = ReportMonth.Of(time.GetUtcNow()) / 100;
        if (year is not { } y || y < 2000 || y > thisYear)
        {
            errors.Add("year", string.Create(CultureInfo.InvariantCulture, $"考核年度须在 2000 到 {thisYear} 之间。"), string.Create(CultureInfo.InvariantCulture, $"'year' must be from 2000 to {thisYear}."));
        }

        errors.ThrowIfAny();
        DemandChair(scope, street);
        if (await db.Set<YearAssessment>().AnyAsync(a => a.AllianceId == alliance && a.Year == year, cancellationToken))
        {
            throw Exists(year!.Value);
        }

        var content = await BuildAsync(street, year!.Value, cancellationToken);
        var assessment = new YearAssessment
        {
            Id = Guid.CreateVersion7(), AllianceId = street.Id, StreetId = street.HostOrganisationId, Year = year.Value,
            Title = string.Create(CultureInfo.InvariantCulture, $"{street.Name}{year}年度考核"), ContentJson = Serialize(content), ComputedUtc = time.GetUtcNow().UtcDateTime,
        };
        db.Add(assessment);
        try
        {
            await audit.SaveAsync(new("assessment.computed", "assessment", assessment.Id.ToString(), Acting(scope, assessment), null, new { assessment.Year, Scored = content.Scores.Count }), cancellationToken);
        }
        catch (DbUpdateException)
        {
            // another node or request computed the same year at the same moment: the unique index kept one
            db.ChangeTracker.Clear();
            if (await db.Set<YearAssessment>().AsNoTracking().AnyAsync(a => a.AllianceId == alliance && a.Year == year, CancellationToken.None))
            {
                throw Exists(year.Value);
            }

            throw;
        }

        return await ViewAsync(scope, assessment, street, content, cancellationToken);
    }

    /// <summary>The chair computes the draft again (figures corrected, weights changed); 409 once published.</summary>
    public async Task<AssessmentView> RecomputeAsync(AccessScope scope, Guid id, CancellationToken cancellationToken)
    {
        var (assessment, street, _) = await ReadableAsync(scope, id, cancellationToken, tracked: true);
        DemandChair(scope, street);
        DemandStatus(assessment, YearAssessment.Draft, new("草稿", "a draft"), new("重新计算", "compute it again"));
        var content = await BuildAsync(street, assessment.Year, cancellationToken);
        assessment.ContentJson = Serialize(content);
        assessment.Generation++;
        assessment.ComputedUtc = time.GetUtcNow().UtcDateTime;
        await SaveAsync(scope, assessment, "assessment.recomputed", new { assessment.Generation }, cancellationToken);
        return await ViewAsync(scope, assessment, street, content, cancellationToken);
    }

    /// <summary>The chair publishes the scores: each organisation sees its own, told at once, and may object within the alliance's window.</summary>
    public async Task<AssessmentView> PublishAsync(AccessScope scope, Guid id, CancellationToken cancellationToken)
    {
        var (assessment, street, content) = await ReadableAsync(scope, id, cancellationToken, tracked: true);
        DemandChair(scope, street);
        DemandStatus(assessment, YearAssessment.Draft, new("草稿", "a draft"), new("发布", "publish it"));
        var now = time.GetUtcNow();
        assessment.Status = YearAssessment.Published;
        assessment.PublishedUtc = now.UtcDateTime;
        assessment.ObjectionDeadlineUtc = now.UtcDateTime + street.Rules.AssessmentObjectionWindow;
        db.AddOutboxEvent(new AssessmentPublished(
            assessment.Id, street.Id.Value, assessment.Title, assessment.Year, assessment.ObjectionDeadlineUtc.Value, [.. content.Scores.Select(s => s.OrganisationId.Value)]) { OccurredAt = now });
        await SaveAsync(scope, assessment, "assessment.published", new { assessment.Status, assessment.ObjectionDeadlineUtc }, cancellationToken);
        return await ViewAsync(scope, assessment, street, content, cancellationToken);
    }

    /// <summary>A community or unit objects to its published score, once, within the window; 409 after it or on a second objection.</summary>
    public async Task<ObjectionView> ObjectAsync(AccessScope scope, Guid id, OrganisationId organisation, string? criterion, string? reason, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().Text("reason", reason, new("异议理由", "reason"), 1000);
        if (criterion is { Length: > 0 } c && !AssessmentCriteria.All.Contains(c))
        {
            errors.Add("criterion", $"考核指标应为 {string.Join("、", AssessmentCriteria.All)} 之一。", $"'criterion' must be one of {string.Join(", ", AssessmentCriteria.All)}.");
        }

        errors.ThrowIfAny();
        var (assessment, _, content) = await ReadableAsync(scope, id, cancellationToken);
        if (!scope.CanActFor(organisation) || content.Scores.All(s => s.OrganisationId != organisation) || assessment.Status == YearAssessment.Draft)
        {
            throw new NotFoundProblem(new BilingualText("考核得分", "score"));
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (assessment.Status != YearAssessment.Published || now > assessment.ObjectionDeadlineUtc)
        {
            throw new ConflictProblem("assessment.objection-closed", new(
                string.Create(CultureInfo.InvariantCulture, $"异议期已于 {Cst(assessment.ObjectionDeadlineUtc)} 结束，不能再提出异议。"),
                string.Create(CultureInfo.InvariantCulture, $"The objection window closed at {Cst(assessment.ObjectionDeadlineUtc)} (China time); no objection can be raised now.")));
        }

        if (await db.Set<AssessmentObjection>().AnyAsync(o => o.AssessmentId == id && o.OrganisationId == organisation, cancellationToken))
        {
            throw ObjectionExists();
        }

        var objection = new AssessmentObjection
        {
            Id = Guid.CreateVersion7(), AssessmentId = id, OrganisationId = organisation, Criterion = criterion is { Length: > 0 } ? criterion : null,
            Reason = FieldErrors.Stored(reason!), RaisedBy = scope.UserId, RaisedUtc = now,
        };
        db.Add(objection);
        db.AddOutboxEvent(Changed(assessment, objection, content) with { OccurredAt = time.GetUtcNow() });
        db.AddOutboxEvent(Live(assessment, "assessment.objected"));
        try
        {
            await audit.SaveAsync(new("assessment.objected", "assessment", id.ToString(), organisation, null, new { objection.Id, objection.Criterion, objection.Reason }), cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            throw ObjectionExists();
        }

        return ObjectionView.Of(objection, content);
    }

    /// <summary>The chair upholds an open objection (with an adjustment that raises the total, 0 to 100 points: an objection says a score is too low) or rejects it, with the reasons.</summary>
    public async Task<ObjectionView> RuleAsync(
        AccessScope scope, Guid id, Guid objectionId, bool? upheld, double? adjustment, string? ruling, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().Text("ruling", ruling, new("裁决意见", "ruling"), 1000).Required("upheld", upheld, new("是否支持异议", "upheld"));
        if (adjustment is { } a && (a is < 0 or > 100 || double.IsNaN(a)))
        {
            errors.Add("adjustment", "调整分值须在 0 到 100 之间。", "'adjustment' must be from 0 to 100.");
        }

        errors.ThrowIfAny();
        var (assessment, street, content) = await ReadableAsync(scope, id, cancellationToken, tracked: true);
        DemandChair(scope, street);
        var objection = await db.Set<AssessmentObjection>().SingleOrDefaultAsync(o => o.Id == objectionId && o.AssessmentId == id, cancellationToken)
            ?? throw new NotFoundProblem(new BilingualText("异议", "objection"));
        if (objection.Status != AssessmentObjection.Open)
        {
            throw new ConflictProblem("assessment.objection-ruled", new("该异议已裁决。", "The objection has been ruled on already."));
        }

        DemandStatus(assessment, YearAssessment.Published, new("已发布（待报区级审定前）", "published (not yet submitted)"), new("裁决异议", "rule on an objection"));
        objection.Status = upheld!.Value ? AssessmentObjection.Upheld : AssessmentObjection.Rejected;
        objection.Adjustment = upheld.Value ? Math.Round(adjustment ?? 0, 1) : 0;
        objection.Ruling = FieldErrors.Stored(ruling!);
        objection.RuledBy = scope.UserId;
        objection.RuledUtc = time.GetUtcNow().UtcDateTime;
        if (objection.Adjustment != 0)
        {
            content = content with
            {
                Scores = AssessmentScoring.Placed(content.Scores.Select(s => s.OrganisationId == objection.OrganisationId ? AssessmentScoring.Adjusted(s, s.Adjustment + objection.Adjustment) : s)),
            };
            assessment.ContentJson = Serialize(content);
        }

        db.AddOutboxEvent(Changed(assessment, objection, content) with { OccurredAt = time.GetUtcNow() });
        await SaveAsync(scope, assessment, "assessment.objection-ruled", new { objection.Id, objection.Status, objection.Adjustment, objection.Ruling }, cancellationToken);
        return ObjectionView.Of(objection, content);
    }

    /// <summary>The chair submits the assessment to the district once the window has closed and every objection is ruled on.</summary>
    public async Task<AssessmentView> SubmitAsync(AccessScope scope, Guid id, CancellationToken cancellationToken)
    {
        var (assessment, street, content) = await ReadableAsync(scope, id, cancellationToken, tracked: true);
        DemandChair(scope, street);
        DemandStatus(assessment, YearAssessment.Published, new("已发布", "published"), new("报区级审定", "submit it"));
        if (time.GetUtcNow().UtcDateTime <= assessment.ObjectionDeadlineUtc)
        {
            throw new ConflictProblem("assessment.window-open", new(
                $"异议期到 {Cst(assessment.ObjectionDeadlineUtc)} 才结束，结束后才能报区级审定。",
                $"The objection window is open until {Cst(assessment.ObjectionDeadlineUtc)} (China time); submit it after that."));
        }

        var open = await db.Set<AssessmentObjection>().CountAsync(o => o.AssessmentId == id && o.Status == AssessmentObjection.Open, cancellationToken);
        if (open > 0)
        {
            throw new ConflictProblem("assessment.objections-open", new(
                string.Create(CultureInfo.InvariantCulture, $"还有 {open} 条异议未裁决。"), string.Create(CultureInfo.InvariantCulture, $"{open} objection(s) still wait for a ruling.")));
        }

        assessment.Status = YearAssessment.Submitted;
        assessment.SubmittedUtc = time.GetUtcNow().UtcDateTime;
        await SaveAsync(scope, assessment, "assessment.submitted", new { assessment.Status }, cancellationToken);
        return await ViewAsync(scope, assessment, street, content, cancellationToken);
    }

    /// <summary>The district approves a submitted assessment (it is final), or returns it to the chair with a note.</summary>
    public async Task<AssessmentView> DecideAsync(AccessScope scope, Guid id, bool approve, string? note, CancellationToken cancellationToken)
    {
        new FieldErrors().Text("note", note, new("审定意见", "note"), 1000, required: !approve).ThrowIfAny();
        var (assessment, street, content) = await ReadableAsync(scope, id, cancellationToken, tracked: true);
        if (!scope.IsDistrictAdmin)
        {
            throw new ForbiddenProblem("assessment.not-district", new("只有区级管理员可以审定年度考核。", "Only the district approves the year-end assessment."));
        }

        DemandStatus(assessment, YearAssessment.Submitted, new("已报区级审定", "submitted"), approve ? new("审定", "approve it") : new("退回", "return it"));
        assessment.Status = approve ? YearAssessment.Approved : YearAssessment.Published;
        assessment.ApprovedUtc = approve ? time.GetUtcNow().UtcDateTime : null;
        assessment.ApprovedBy = approve ? scope.UserId : null;
        assessment.SubmittedUtc = approve ? assessment.SubmittedUtc : null;
        assessment.DistrictNote = string.IsNullOrWhiteSpace(note) ? null : FieldErrors.Stored(note);
        await SaveAsync(scope, assessment, approve ? "assessment.approved" : "assessment.returned", new { assessment.Status, assessment.DistrictNote }, cancellationToken);
        return await ViewAsync(scope, assessment, street, content, cancellationToken);
    }

    /// <summary>The street alliances the caller may compute an assessment for (as their chair), by name.</summary>
    public async Task<List<(AllianceId Id, string Name)>> ChairedStreetsAsync(AccessScope scope, CancellationToken cancellationToken) =>
        [.. (await db.Alliances.AsNoTracking().Where(a => a.Level == AllianceLevel.Street && a.Status == AllianceStatus.Active).ToListAsync(cancellationToken))
            .Where(a => StreetCircle.IsChair(scope, a)).OrderBy(a => a.Name, StringComparer.Ordinal).Select(a => (a.Id, a.Name))];

    private async Task<AssessmentContent> BuildAsync(PartyAlliance street, int year, CancellationToken cancellationToken)
    {
        var circle = await StreetCircle.OfAsync(db, street, cancellationToken);
        var figures = await reports.FiguresAsync(new ReportScope(circle.AllianceIds, null), (year * 100) + 1, (year * 100) + 12, cancellationToken);
        var weights = AssessmentWeights.Of(street.Rules);
        return new(weights, figures, AssessmentScoring.Score(figures.Organisations, circle.Members, weights, year), circle.AllianceNames, circle.AllianceIds);
    }

    private static AssessmentObjectionChanged Changed(YearAssessment assessment, AssessmentObjection objection, AssessmentContent content) => new(
        assessment.Id, assessment.AllianceId.Value, assessment.Title, objection.Id, objection.OrganisationId.Value,
        content.Scores.FirstOrDefault(s => s.OrganisationId == objection.OrganisationId)?.Name ?? "", assessment.StreetId.Value,
        objection.Status, objection.Criterion, objection.Reason, objection.Adjustment, objection.Ruling);

    private async Task SaveAsync(AccessScope scope, YearAssessment assessment, string action, object after, CancellationToken cancellationToken)
    {
        db.AddOutboxEvent(Live(assessment, action));
        try
        {
            await audit.SaveAsync(new(action, "assessment", assessment.Id.ToString(), Acting(scope, assessment), null, after), cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            throw new ConflictProblem("assessment.changed", new("考核刚刚已由他人处理，请刷新后再试。", "Someone acted on the assessment just now; reload and try again."));
        }
    }

    /// <summary>The change for the assessment's open pages (<c>assessment:{id}</c>), in the commit that makes it.</summary>
    private AssessmentChanged Live(YearAssessment assessment, string action) =>
        new(assessment.Id, action["assessment.".Length..], assessment.Status) { OccurredAt = time.GetUtcNow() };

    private static OrganisationId? Acting(AccessScope scope, YearAssessment assessment) =>
        scope.ActingOrganisationIds.Contains(assessment.StreetId) ? assessment.StreetId : null;

    private async Task<(YearAssessment Assessment, PartyAlliance Street, AssessmentContent Content)> ReadableAsync(
        AccessScope scope, Guid id, CancellationToken cancellationToken, bool tracked = false)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var query = db.Set<YearAssessment>().Where(a => a.Id == id);
        var assessment = await (tracked ? query : query.AsNoTracking()).SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundProblem(Thing);
        var street = await db.Alliances.AsNoTracking().SingleAsync(a => a.Id == assessment.AllianceId, cancellationToken);
        var content = Content(assessment);
        return Oversees(scope, street) || Own(scope, assessment, content).Count > 0 ? (assessment, street, content) : throw new NotFoundProblem(Thing);
    }

    private static bool Oversees(AccessScope scope, PartyAlliance street) => ReportScope.Oversees(scope, street);

    /// <summary>The scores of the organisations the caller acts for, once the assessment is published.</summary>
    private static List<OrganisationScore> Own(AccessScope scope, YearAssessment assessment, AssessmentContent content) =>
        assessment.Status == YearAssessment.Draft ? [] : [.. content.Scores.Where(s => scope.CanActFor(s.OrganisationId))];

    private async Task<AssessmentView> ViewAsync(AccessScope scope, YearAssessment assessment, PartyAlliance street, AssessmentContent content, CancellationToken cancellationToken)
    {
        var whole = Oversees(scope, street);
        var scores = whole ? content.Scores : Own(scope, assessment, content);
        var ids = scores.Select(s => s.OrganisationId).ToList();
        var objections = await db.Set<AssessmentObjection>().AsNoTracking().Where(o => o.AssessmentId == assessment.Id).OrderBy(o => o.RaisedUtc).ToListAsync(cancellationToken);
        var visible = objections.Where(o => whole || ids.Contains(o.OrganisationId)).Select(o => ObjectionView.Of(o, content)).ToList();
        var open = objections.Count(o => o.Status == AssessmentObjection.Open);
        return new(Summary(scope, assessment, street, content, open), assessment.Generation, content.Weights, whole ? content.Figures.Lines : [],
            whole ? content.Alliances : [], scores, visible, assessment.DistrictNote);
    }

    private AssessmentSummary Summary(AccessScope scope, YearAssessment a, PartyAlliance street, AssessmentContent content, int openObjections)
    {
        var chair = StreetCircle.IsChair(scope, street);
        var now = time.GetUtcNow().UtcDateTime;
        var windowOpen = a.Status == YearAssessment.Published && now <= a.ObjectionDeadlineUtc;
        var own = Own(scope, a, content);
        var scored = content.Scores.Where(s => s.Total is not null).ToList();
        return new(a.Id, a.AllianceId, street.Name, a.Year, a.Title, a.Status, a.ComputedUtc, a.PublishedUtc, a.ObjectionDeadlineUtc, a.SubmittedUtc, a.ApprovedUtc,
            content.Scores.Count, scored.Count == 0 ? null : Math.Round(scored.Average(s => s.Total!.Value), 1), openObjections,
            new AssessmentActions(
                Recompute: chair && a.Status == YearAssessment.Draft,
                Publish: chair && a.Status == YearAssessment.Draft,
                Rule: chair && a.Status == YearAssessment.Published && openObjections > 0,
                Submit: chair && a.Status == YearAssessment.Published && !windowOpen && openObjections == 0,
                Decide: scope.IsDistrictAdmin && a.Status == YearAssessment.Submitted,
                Object: windowOpen && own.Count > 0));
    }

    private async Task<Dictionary<Guid, int>> OpenObjectionsAsync(List<Guid> ids, CancellationToken cancellationToken) =>
        await db.Set<AssessmentObjection>().AsNoTracking().Where(o => ids.Contains(o.AssessmentId) && o.Status == AssessmentObjection.Open)
            .GroupBy(o => o.AssessmentId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);

    private static void DemandChair(AccessScope scope, PartyAlliance street)
    {
        if (!StreetCircle.IsChair(scope, street))
        {
            throw new ForbiddenProblem("assessment.not-chair", new("只有街道党工委书记可以计算、发布年度考核和裁决异议。", "Only the street's chair computes and publishes the assessment and rules on objections."));
        }
    }

    private static void DemandStatus(YearAssessment assessment, string status, BilingualText wanted, BilingualText action)
    {
        if (assessment.Status != status)
        {
            throw new ConflictProblem("assessment.status", new(
                $"考核当前为「{StatusZh(assessment.Status)}」，须为{wanted.Zh}才能{action.Zh}。",
                $"The assessment is {assessment.Status}; it must be {wanted.En} to {action.En}."));
        }
    }

    public static string StatusZh(string status) => status switch
    {
        YearAssessment.Draft => "草稿",
        YearAssessment.Published => "已发布（异议期）",
        YearAssessment.Submitted => "已报区级审定",
        YearAssessment.Approved => "已审定",
        _ => status,
    };

    private static ConflictProblem Exists(int year) =>
        new("assessment.exists", new(string.Create(CultureInfo.InvariantCulture, $"{year} 年度考核已经计算。"), string.Create(CultureInfo.InvariantCulture, $"The assessment of {year} exists already.")));

    private static ConflictProblem ObjectionExists() =>
        new("assessment.objection-exists", new("本单位已对该考核提出过异议。", "Your organisation has objected to this assessment already."));

    private static string Cst(DateTime? utc) => utc is { } u ? Ui.UiText.Time(u) : "—";

    private static string Serialize(AssessmentContent content) => JsonSerializer.Serialize(content, Json);

    public static AssessmentContent Content(YearAssessment assessment)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        return JsonSerializer.Deserialize<AssessmentContent>(assessment.ContentJson, Json)!;
    }
}

/// <summary>What the caller may do with an assessment now.</summary>
public sealed record AssessmentActions(bool Recompute, bool Publish, bool Rule, bool Submit, bool Decide, bool Object);

public sealed record AssessmentSummary(
    Guid Id, AllianceId AllianceId, string Alliance, int Year, string Title, string Status, DateTime ComputedUtc, DateTime? PublishedUtc, DateTime? ObjectionDeadlineUtc,
    DateTime? SubmittedUtc, DateTime? ApprovedUtc, int Scored, double? Average, int OpenObjections, AssessmentActions Can);

/// <summary>An assessment as the caller may see it: the street and the district every score and the year-end lines; an organisation its own.</summary>
public sealed record AssessmentView(
    AssessmentSummary Assessment, int Generation, AssessmentWeights Weights, IReadOnlyList<string> Lines, IReadOnlyList<string> Alliances,
    IReadOnlyList<OrganisationScore> Scores, IReadOnlyList<ObjectionView> Objections, string? DistrictNote);

public sealed record ObjectionView(
    Guid Id, OrganisationId OrganisationId, string Organisation, string? Criterion, string Reason, string Status, DateTime RaisedUtc, string? Ruling, double Adjustment, DateTime? RuledUtc)
{
    public static ObjectionView Of(AssessmentObjection o, AssessmentContent content)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(content);
        return new(o.Id, o.OrganisationId, content.Scores.FirstOrDefault(s => s.OrganisationId == o.OrganisationId)?.Name ?? "", o.Criterion, o.Reason, o.Status, o.RaisedUtc,
            o.Ruling, o.Adjustment, o.RuledUtc);
    }
}
