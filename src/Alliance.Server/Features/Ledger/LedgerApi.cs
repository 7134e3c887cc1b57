using System.Text.Json;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Ledger;

/// <summary>台账: every closed item of an alliance, with its whole timeline and the items it started (how each of them ended).</summary>
public static class LedgerApi
{
    public static IEndpointRouteBuilder MapLedgerApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/ledger").WithTags("Ledger").RequireAuthorization();
        api.MapGet("/", List).WithName("ListLedger")
            .WithSummary("Closed items of the alliances the caller sees, each with its whole timeline; from/to are closing dates (UTC) / 台账");
        api.MapGet("/sections", Sections).WithName("ListLedgerSections")
            .WithSummary("The ledger's sections with their columns and the statuses and kinds each can be filtered by / 台账类别");
        api.MapGet("/{section}", Section).WithName("GetLedgerSection")
            .WithSummary("One page of a ledger section (items, commitments, bookings, meetings, supervision) in the caller's scope; from/to are China dates; alliance or organisation narrows to one ledger (a unit reads only its own) / 分类台账");
        api.MapPost("/exports", Export).WithName("ExportLedger")
            .WithSummary("Export a whole ledger section to .xlsx in the background; progress is pushed on person:{userId} (ExportProgress) / 导出台账");
        api.MapGet("/exports", Exports).WithName("ListLedgerExports").WithSummary("The caller's own exports, newest first / 我的导出");
        api.MapGet("/exports/{id:guid}", ExportStatus).WithName("GetLedgerExport").WithSummary("One of the caller's exports: status and rows written / 导出进度");
        api.MapGet("/exports/{id:guid}/file", ExportFile).WithName("DownloadLedgerExport").Produces(StatusCodes.Status200OK, contentType: Xlsx).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("The finished .xlsx; 409 while it is being written / 下载导出文件");
        return app;
    }

    public const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public sealed record SectionInfo(string Key, BilingualText Name, IReadOnlyList<LedgerColumn> Columns, IReadOnlyList<string> Statuses, IReadOnlyList<string> Kinds);

    /// <summary>A page of a section: <see cref="Rows"/> keyed by the columns' keys.</summary>
    public sealed record SectionPage(string Section, BilingualText Name, IReadOnlyList<LedgerColumn> Columns, int Total, int Page, int PageSize,
        IReadOnlyList<Dictionary<string, object?>> Rows);

    public static Ok<List<SectionInfo>> Sections() =>
        TypedResults.Ok(LedgerSections.All.Select(s => new SectionInfo(s.Key, s.Name, s.Columns, s.Statuses, s.Kinds)).ToList());

    public static async Task<Ok<SectionPage>> Section(
        AccessScope scope, LedgerOperations ledger, string section, CancellationToken cancellationToken, AllianceId? alliance = null, OrganisationId? organisation = null,
        DateOnly? from = null, DateOnly? to = null, string? status = null, string? kind = null, bool overdue = false, int page = 1, int pageSize = 50)
    {
        var result = await ledger.PageAsync(scope, new LedgerFilter(section, alliance, organisation, from, to, status, kind, overdue), page, pageSize, cancellationToken);
        return TypedResults.Ok(new SectionPage(result.Section, result.Name, result.Columns, result.Total, result.Page, result.PageSize,
            [.. result.Rows.Select(cells => result.Columns.Select((c, i) => (c.Key, cells[i])).ToDictionary(x => x.Key, x => x.Item2))]));
    }

    public static async Task<Accepted<LedgerOperations.ExportView>> Export(AccessScope scope, LedgerOperations ledger, LedgerFilter filter, CancellationToken cancellationToken)
    {
        var export = await ledger.ExportAsync(scope, filter, cancellationToken);
        return TypedResults.Accepted($"/api/ledger/exports/{export.Id}", export);
    }

    public static async Task<Ok<List<LedgerOperations.ExportView>>> Exports(AccessScope scope, LedgerOperations ledger, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ledger.ExportsAsync(scope, cancellationToken));

    public static async Task<Ok<LedgerOperations.ExportView>> ExportStatus(AccessScope scope, LedgerOperations ledger, Guid id, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ledger.ExportStatusAsync(scope, id, cancellationToken));

    public static async Task<FileContentHttpResult> ExportFile(AccessScope scope, LedgerOperations ledger, Guid id, CancellationToken cancellationToken)
    {
        var (content, name) = await ledger.FileAsync(scope, id, cancellationToken);
        return TypedResults.File(content, Xlsx, name);
    }

    /// <summary>
    /// One closed item. <see cref="Status"/> is the status it closed with, i.e. how it ended (an urgent item: <c>resolved</c>,
    /// <c>partly-resolved</c>, <c>tasks-cancelled</c> or <c>closed</c>); <see cref="ChildItems"/> are the items its route
    /// started (an urgent item's joint tasks, one per unit), as far as the caller sees them, with their own status.
    /// </summary>
    public sealed record LedgerEntry(
        ItemId Id, ItemKind Kind, string Title, string Category, AllianceId AllianceId, OrganisationId SubmitterOrganisationId, string Status,
        bool Escalated, DateTime CreatedUtc, DateTime ClosedUtc, IReadOnlyList<ItemsApi.StepView> Steps, IReadOnlyList<ItemsApi.TimelineEntry> Timeline,
        IReadOnlyList<ItemsApi.LinkedItem> ChildItems);

    public static async Task<Ok<List<LedgerEntry>>> List(
        AccessScope scope, AllianceDbContext db, TimeProvider time, AllianceId? alliance, DateOnly? from, DateOnly? to, CancellationToken cancellationToken)
    {
        if (from is { } f && to is { } t && f > t)
        {
            new FieldErrors().Add("from", "开始日期不能晚于结束日期。", "'from' cannot be after 'to'.")
                .Add("to", "结束日期不能早于开始日期。", "'to' cannot be before 'from'.").ThrowIfAny();
        }

        if (alliance is { } a && !scope.IsDistrictAdmin && !scope.CanSeeAlliance(a))
        {
            throw new NotFoundProblem(new BilingualText("联盟", "alliance"));
        }

        var query = ItemsApi.Visible(db, scope).Where(i => i.ClosedUtc != null);
        if (!scope.IsDistrictAdmin)
        {
            var alliances = scope.VisibleAllianceIds.ToList();
            query = query.Where(i => alliances.Contains(i.AllianceId));
        }

        if (alliance is { } only)
        {
            query = query.Where(i => i.AllianceId == only);
        }

        if (from is { } start)
        {
            var since = start.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            query = query.Where(i => i.ClosedUtc >= since);
        }

        if (to is { } end)
        {
            var until = end.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            query = query.Where(i => i.ClosedUtc < until);
        }

        var items = await query.OrderBy(i => i.ClosedUtc).ToListAsync(cancellationToken);
        // The entries' children, tasks and events by a subquery of the same filter, not by the entries' ids sent back as
        // one SQL parameter each (a district's year of closed items is more than SQLite takes in one statement).
        var ids = query.Select(i => i.Id);
        var children = (await ItemsApi.Visible(db, scope).Where(i => i.ParentItemId != null && ids.Contains(i.ParentItemId.Value)).ToListAsync(cancellationToken))
            .ToLookup(i => i.ParentItemId!.Value);
        var tasks = (await db.Set<ItemTask>().AsNoTracking().Where(x => ids.Contains(x.ItemId)).ToListAsync(cancellationToken)).ToLookup(x => x.ItemId);
        var events = (await db.Set<ItemEventRecord>().AsNoTracking().Where(e => ids.Contains(e.ItemId)).ToListAsync(cancellationToken)).ToLookup(e => e.ItemId);
        var now = time.GetUtcNow().UtcDateTime;
        return TypedResults.Ok(items.Select(i => new LedgerEntry(
            i.Id, i.Kind, i.Title, i.Category, i.AllianceId, i.SubmitterOrganisationId, i.Status, i.Escalated, i.CreatedUtc, i.ClosedUtc!.Value,
            [.. tasks[i.Id].OrderBy(x => x.OpenedUtc).Select(x => ItemsApi.Step(x, now))],
            [.. events[i.Id].OrderBy(e => e.Sequence).Select(e => new ItemsApi.TimelineEntry(e.Sequence, e.Type, e.AtUtc, e.Actor, JsonSerializer.Deserialize<JsonElement>(e.PayloadJson)))],
            [.. children[i.Id].OrderBy(c => c.CreatedUtc).ThenBy(c => c.Id.Value).Select(c => new ItemsApi.LinkedItem(c.Id, c.Kind, c.AllianceId, c.Status, c.CreatedUtc, c.ClosedUtc))]))
            .ToList());
    }
}
