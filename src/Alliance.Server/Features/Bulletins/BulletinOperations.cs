using System.Text.Json;
using Alliance.Contracts.Bulletins;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Audit;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Reports;
using Alliance.Server.Infrastructure.Messaging.Outbox;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Bulletins;

/// <summary>
/// 逐月通报 for the API and the pages alike. A draft is read by those who oversee the street's alliance (the street, the
/// district: <see cref="ReportScope.Oversees"/>); a published bulletin by everyone who sees one of its alliances; others
/// get 404. The street's chair (街道党工委书记) generates a missing month, regenerates a draft, and publishes it;
/// a published bulletin is fixed (409).
/// </summary>
public sealed class BulletinOperations(AllianceDbContext db, BulletinJob job, BulletinBuilder builder, AuditTrail audit, TimeProvider time)
{
    private static readonly BilingualText Thing = new("通报", "bulletin");

    public async Task<List<BulletinSummary>> ListAsync(AccessScope scope, AllianceId? alliance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var streets = await db.Alliances.AsNoTracking().Where(a => a.Level == AllianceLevel.Street).ToDictionaryAsync(a => a.Id, cancellationToken);
        var query = db.Set<MonthlyBulletin>().AsNoTracking();
        if (alliance is { } only)
        {
            query = query.Where(b => b.AllianceId == only);
        }

        var bulletins = await query.OrderByDescending(b => b.Month).ThenBy(b => b.Title).Take(240).ToListAsync(cancellationToken);
        return [.. bulletins.Select(b => (Bulletin: b, Content: Content(b)))
            .Where(x => Readable(scope, x.Bulletin, x.Content, streets.GetValueOrDefault(x.Bulletin.AllianceId)))
            .Select(x => Summary(scope, x.Bulletin, x.Content, streets[x.Bulletin.AllianceId]))];
    }

    public async Task<BulletinView> GetAsync(AccessScope scope, Guid id, CancellationToken cancellationToken)
    {
        var (bulletin, street, content) = await ReadableAsync(scope, id, cancellationToken);
        return View(scope, bulletin, street, content);
    }

    /// <summary>The street's chair (or the district) writes the draft of a finished month that has none.</summary>
    public async Task<BulletinView> GenerateAsync(AccessScope scope, AllianceId alliance, string? month, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var street = await db.Alliances.AsNoTracking().SingleOrDefaultAsync(a => a.Id == alliance, cancellationToken);
        if (street is null || !ReportScope.Oversees(scope, street))
        {
            throw new NotFoundProblem(new BilingualText("联盟", "alliance"));
        }

        var errors = new FieldErrors();
        if (street.Level != AllianceLevel.Street)
        {
            errors.Add("alliance", "通报按街道大党工委生成，请选择街道联盟。", "Bulletins are written per street alliance; choose the street's alliance.");
        }

        var thisMonth = ReportMonth.Of(time.GetUtcNow());
        if (!ReportMonth.TryParse(month, out var reported))
        {
            errors.Add("month", "月份格式应为 yyyy-MM，如 2026-11。", "'month' must be a month as yyyy-MM, e.g. 2026-11.");
        }
        else if (reported >= thisMonth)
        {
            errors.Add("month", "只能为已结束的月份生成通报。", "A bulletin covers a month that has ended.");
        }

        errors.ThrowIfAny();
        DemandChair(scope, street);
        var written = await job.WriteAsync(street, reported, cancellationToken)
            ?? throw new ConflictProblem("bulletin.exists", new($"{ReportMonth.Text(reported)} 的通报已经生成。", $"The bulletin of {ReportMonth.Text(reported)} exists already."));
        return View(scope, written, street, Content(written));
    }

    /// <summary>Writes the draft again from the figures as they are now (a correction came in); 409 once published.</summary>
    public async Task<BulletinView> RegenerateAsync(AccessScope scope, Guid id, CancellationToken cancellationToken)
    {
        var (bulletin, street, _) = await ReadableAsync(scope, id, cancellationToken, tracked: true);
        DemandChair(scope, street);
        DemandDraft(bulletin, new("重新生成", "regenerate it"));
        var content = await builder.BuildAsync(street, bulletin.Month, cancellationToken);
        bulletin.ContentJson = JsonSerializer.Serialize(content, BulletinJob.Json);
        bulletin.Generation++;
        bulletin.GeneratedUtc = time.GetUtcNow().UtcDateTime;
        await SaveAsync(scope, bulletin, "bulletin.regenerated", new { bulletin.Generation }, cancellationToken);
        return View(scope, bulletin, street, content);
    }

    /// <summary>The chair publishes the draft, with an optional review note; the members are told. 409 once published.</summary>
    public async Task<BulletinView> PublishAsync(AccessScope scope, Guid id, string? note, CancellationToken cancellationToken)
    {
        new FieldErrors().Text("note", note, new("审核意见", "review note"), 1000, required: false).ThrowIfAny();
        var (bulletin, street, content) = await ReadableAsync(scope, id, cancellationToken, tracked: true);
        DemandChair(scope, street);
        DemandDraft(bulletin, new("发布", "publish it"));
        var now = time.GetUtcNow();
        bulletin.Status = MonthlyBulletin.Published;
        bulletin.PublishedUtc = now.UtcDateTime;
        bulletin.PublishedBy = scope.UserId;
        bulletin.ReviewNote = string.IsNullOrWhiteSpace(note) ? null : FieldErrors.Stored(note);
        var told = content.Ranking.Select(r => r.OrganisationId.Value).Append(street.HostOrganisationId.Value).Distinct().ToList();
        db.AddOutboxEvent(new BulletinPublished(bulletin.Id, street.Id.Value, bulletin.Title, ReportMonth.Text(bulletin.Month), told) { OccurredAt = now });
        await SaveAsync(scope, bulletin, "bulletin.published", new { bulletin.Status, bulletin.ReviewNote }, cancellationToken);
        return View(scope, bulletin, street, content);
    }

    /// <summary>The bulletin and its content for a download; 404 as for reading it.</summary>
    public async Task<(MonthlyBulletin Bulletin, BulletinContent Content)> DocumentAsync(AccessScope scope, Guid id, CancellationToken cancellationToken)
    {
        var (bulletin, _, content) = await ReadableAsync(scope, id, cancellationToken);
        return (bulletin, content);
    }

    /// <summary>The bulletin's status is its concurrency token: a publish or regeneration that raced another publish saves nothing and answers 409.</summary>
    private async Task SaveAsync(AccessScope scope, MonthlyBulletin bulletin, string action, object after, CancellationToken cancellationToken)
    {
        try
        {
            await audit.SaveAsync(new(action, "bulletin", bulletin.Id.ToString(), scope.ActingOrganisationIds.Contains(bulletin.StreetId) ? bulletin.StreetId : null, null, after), cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            throw PublishedConflict();
        }
    }

    private async Task<(MonthlyBulletin Bulletin, PartyAlliance Street, BulletinContent Content)> ReadableAsync(
        AccessScope scope, Guid id, CancellationToken cancellationToken, bool tracked = false)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var query = db.Set<MonthlyBulletin>().Where(b => b.Id == id);
        var bulletin = await (tracked ? query : query.AsNoTracking()).SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundProblem(Thing);
        var street = await db.Alliances.AsNoTracking().SingleAsync(a => a.Id == bulletin.AllianceId, cancellationToken);
        var content = Content(bulletin);
        return Readable(scope, bulletin, content, street) ? (bulletin, street, content) : throw new NotFoundProblem(Thing);
    }

    private static bool Readable(AccessScope scope, MonthlyBulletin bulletin, BulletinContent content, PartyAlliance? street) =>
        street is not null && (ReportScope.Oversees(scope, street)
            || (bulletin.Status == MonthlyBulletin.Published && (scope.CanSeeAlliance(street.Id) || content.AllianceIds.Any(scope.CanSeeAlliance))));

    /// <summary>The street alliances whose bulletins the caller writes and publishes (as their chair), by name.</summary>
    public async Task<List<(AllianceId Id, string Name)>> ChairedStreetsAsync(AccessScope scope, CancellationToken cancellationToken) =>
        [.. (await db.Alliances.AsNoTracking().Where(a => a.Level == AllianceLevel.Street && a.Status == AllianceStatus.Active).ToListAsync(cancellationToken))
            .Where(a => IsChair(scope, a)).OrderBy(a => a.Name, StringComparer.Ordinal).Select(a => (a.Id, a.Name))];

    /// <summary>The street's chair (<see cref="StreetCircle.IsChair"/>).</summary>
    public static bool IsChair(AccessScope scope, PartyAlliance street) => StreetCircle.IsChair(scope, street);

    private static void DemandChair(AccessScope scope, PartyAlliance street)
    {
        if (!IsChair(scope, street))
        {
            throw new ForbiddenProblem("bulletin.not-chair", new("只有街道党工委书记可以审核、生成和发布通报。", "Only the street's chair reviews, writes and publishes the bulletin."));
        }
    }

    private static void DemandDraft(MonthlyBulletin bulletin, BilingualText action)
    {
        if (bulletin.Status != MonthlyBulletin.Draft)
        {
            throw new ConflictProblem("bulletin.published", new($"通报已发布，不能{action.Zh}。", $"The bulletin is published; you cannot {action.En}."));
        }
    }

    private static ConflictProblem PublishedConflict() =>
        new("bulletin.published", new("通报刚刚已由他人发布。", "Someone published the bulletin just now."));

    public static BulletinContent Content(MonthlyBulletin bulletin)
    {
        ArgumentNullException.ThrowIfNull(bulletin);
        return JsonSerializer.Deserialize<BulletinContent>(bulletin.ContentJson, BulletinJob.Json)!;
    }

    private static BulletinSummary Summary(AccessScope scope, MonthlyBulletin b, BulletinContent content, PartyAlliance street) =>
        new(b.Id, b.AllianceId, street.Name, b.Title, ReportMonth.Text(b.Month), b.Status, b.GeneratedUtc, b.PublishedUtc,
            content.Ranking.Count(r => r.Light == BulletinLight.Red), content.Ranking.Count(r => r.Light == BulletinLight.Yellow),
            content.Ranking.Count(r => r.Light == BulletinLight.Green), content.Overdue.Count, IsChair(scope, street) && b.Status == MonthlyBulletin.Draft);

    private static BulletinView View(AccessScope scope, MonthlyBulletin b, PartyAlliance street, BulletinContent content) =>
        new(Summary(scope, b, content, street), b.Generation, b.ReviewNote, content);
}

/// <summary>A bulletin in a list: its lights counted, and whether the caller may publish it now.</summary>
public sealed record BulletinSummary(
    Guid Id, AllianceId AllianceId, string Alliance, string Title, string Month, string Status, DateTime GeneratedUtc, DateTime? PublishedUtc,
    int Red, int Yellow, int Green, int Overdue, bool CanPublish);

public sealed record BulletinView(BulletinSummary Bulletin, int Generation, string? ReviewNote, BulletinContent Content);
