using System.Text.Json;
using Alliance.Contracts.Ledger;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Reports;
using Alliance.Server.Infrastructure.Messaging.Outbox;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Ledger;

/// <summary>
/// 台账 for the API and the pages alike: a page of one section's rows for the caller's scope, and exports of a whole
/// section to .xlsx, which run in the background (<see cref="LedgerExportRunner"/>) and report their progress live on
/// the person's own stream.
/// </summary>
public sealed class LedgerOperations(AllianceDbContext db, TimeProvider time)
{
    public const int MaxPageSize = 200;

    internal static readonly JsonSerializerOptions FilterJson = new(JsonSerializerDefaults.Web);

    public sealed record LedgerPage(string Section, BilingualText Name, IReadOnlyList<LedgerColumn> Columns, int Total, int Page, int PageSize, IReadOnlyList<object?[]> Rows);

    public sealed record ExportView(Guid Id, string Section, string Status, long Rows, long Total, string? FileName, long? Bytes, string? Error,
        DateTime CreatedUtc, DateTime? FinishedUtc, bool Stalled);

    public async Task<LedgerPage> PageAsync(AccessScope scope, LedgerFilter filter, int page, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (page < 1 || pageSize is < 1 or > MaxPageSize)
        {
            new FieldErrors().Add(page < 1 ? "page" : "pageSize", $"页码从 1 开始，每页 1 至 {MaxPageSize} 行。", $"Pages start at 1, with 1 to {MaxPageSize} rows each.").ThrowIfAny();
        }

        var context = await ContextAsync(db, scope, filter.Validated(), cancellationToken);
        var section = LedgerSections.Find(context.Filter.Section)!;
        var rows = await section.RowsAsync(context, cancellationToken);
        var total = await rows.CountAsync(cancellationToken);
        return new(section.Key, section.Name, section.Columns, total, page, pageSize, await rows.PageAsync((page - 1) * pageSize, pageSize, cancellationToken));
    }

    /// <summary>Queues an export of the whole section under the filter; scope and filter are checked now, so a refusal is immediate.</summary>
    public async Task<ExportView> ExportAsync(AccessScope scope, LedgerFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(filter);
        var me = scope.UserId ?? throw new NotFoundProblem(new BilingualText("台账", "ledger"));
        var valid = filter.Validated();
        await ReportScope.ResolveAsync(scope, db, valid.Alliance, valid.Organisation, cancellationToken); // refused now, not in the background
        var now = time.GetUtcNow();
        var export = new LedgerExport
        {
            Id = Guid.CreateVersion7(now),
            UserId = me,
            Section = valid.Section,
            FilterJson = JsonSerializer.Serialize(valid, FilterJson),
            CreatedUtc = now.UtcDateTime,
        };
        db.Add(export);
        db.AddOutboxEvent(new LedgerExportRequested(export.Id, me) { OccurredAt = now });
        await db.SaveChangesAsync(cancellationToken);
        return View(export, now.UtcDateTime);
    }

    /// <summary>The caller's own exports, newest first (the last 20).</summary>
    public async Task<List<ExportView>> ExportsAsync(AccessScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var me = scope.UserId;
        var now = time.GetUtcNow().UtcDateTime;
        return (await db.Set<LedgerExport>().AsNoTracking().Where(e => e.UserId == me).OrderByDescending(e => e.CreatedUtc).Take(20).ToListAsync(cancellationToken))
            .ConvertAll(e => View(e, now));
    }

    public async Task<ExportView> ExportStatusAsync(AccessScope scope, Guid id, CancellationToken cancellationToken) =>
        View(await OwnAsync(scope, id, cancellationToken), time.GetUtcNow().UtcDateTime);

    /// <summary>The finished file; 409 while it is still being written or when it failed.</summary>
    public async Task<(byte[] Content, string FileName)> FileAsync(AccessScope scope, Guid id, CancellationToken cancellationToken)
    {
        var export = await OwnAsync(scope, id, cancellationToken);
        if (export.Status != LedgerExport.Ready)
        {
            throw new ConflictProblem("ledger.export-not-ready", new(
                export.Status == LedgerExport.Failed ? "导出失败，请重新导出。" : "文件尚在生成，请稍候。",
                export.Status == LedgerExport.Failed ? "The export failed; export again." : "The file is still being written; try again shortly."));
        }

        var file = await db.Set<LedgerExportFile>().AsNoTracking().SingleAsync(f => f.ExportId == id, cancellationToken);
        return (file.Content, export.FileName!);
    }

    /// <summary>
    /// The filter's scope: whose ledger (<see cref="ReportScope.ResolveAsync"/>: 404 for an alliance or organisation the
    /// caller may not read, 403 for a unit asking for a whole alliance) and the names the cells show.
    /// </summary>
    internal static async Task<LedgerContext> ContextAsync(AllianceDbContext db, AccessScope scope, LedgerFilter filter, CancellationToken cancellationToken)
    {
        var whose = await ReportScope.ResolveAsync(scope, db, filter.Alliance, filter.Organisation, cancellationToken);
        var organisations = await db.Organisations.AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.Name, cancellationToken);
        var alliances = await db.Alliances.AsNoTracking().ToDictionaryAsync(a => a.Id, a => a.Name, cancellationToken);
        return new LedgerContext(db, scope, whose, filter, organisations, alliances);
    }

    private async Task<LedgerExport> OwnAsync(AccessScope scope, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var me = scope.UserId;
        return await db.Set<LedgerExport>().AsNoTracking().SingleOrDefaultAsync(e => e.Id == id && e.UserId == me, cancellationToken)
            ?? throw new NotFoundProblem(new BilingualText("导出", "export"));
    }

    /// <summary><see cref="ExportView.Stalled"/>: running, but its node stopped renewing the lease (it died; another node takes it over on redelivery).</summary>
    private static ExportView View(LedgerExport e, DateTime now) => new(e.Id, e.Section, e.Status, e.Rows, e.Total, e.FileName, e.Bytes, e.Error, e.CreatedUtc, e.FinishedUtc,
        e.Status is LedgerExport.Running or LedgerExport.Queued && e.LeaseUntilUtc is { } lease && lease < now);
}
