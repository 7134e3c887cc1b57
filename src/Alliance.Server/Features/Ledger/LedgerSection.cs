using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.Reports;
using Alliance.Server.Infrastructure.Api;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Ledger;

/// <summary>One column of a ledger: its key in the API's rows, and its header in both languages (the .xlsx uses the Chinese).</summary>
public sealed record LedgerColumn(string Key, string Zh, string En);

/// <summary>
/// One part of the ledger (台账): its columns, the statuses and kinds it can be filtered by, and its rows for a caller
/// and a filter, as one ordered query (a page for the screen, the whole for the export, streamed). Rows are cells in
/// column order, already in the form the offices read: Chinese labels, China time.
/// </summary>
public abstract class LedgerSection
{
    public abstract string Key { get; }

    public abstract BilingualText Name { get; }

    public abstract IReadOnlyList<LedgerColumn> Columns { get; }

    public virtual IReadOnlyList<string> Statuses => [];

    public virtual IReadOnlyList<string> Kinds => [];

    /// <summary>The section's rows; the export adds the section's detail sheets (<see cref="DetailsAsync"/>).</summary>
    public abstract Task<LedgerRows> RowsAsync(LedgerContext context, CancellationToken cancellationToken);

    /// <summary>Further sheets of the export (an item's whole history), each with its own columns.</summary>
    public virtual Task<IReadOnlyList<(string Sheet, IReadOnlyList<LedgerColumn> Columns, LedgerRows Rows)>> DetailsAsync(
        LedgerContext context, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<(string, IReadOnlyList<LedgerColumn>, LedgerRows)>>([]);

    protected static IReadOnlyList<string> Names<TEnum>()
        where TEnum : struct, Enum => WireTypes.EnumNames(typeof(TEnum));

    /// <summary>The enum value of a wire name (<c>jointTask</c>); the filter was validated against <see cref="Names{TEnum}"/>.</summary>
    protected static TEnum Parse<TEnum>(string wire)
        where TEnum : struct, Enum => WireTypes.Parse<TEnum>(wire) ?? throw new ArgumentOutOfRangeException(nameof(wire), wire, null);

    protected static string YesNo(bool value) => value ? "是" : "否";

    protected static string? China(DateTime? utc) => utc is { } u ? Ui.UiText.Time(u) : null;
}

/// <summary>The rows of one ledger query: counted, paged for the screen, or enumerated whole (streamed, for the export).</summary>
public abstract class LedgerRows
{
    public abstract Task<int> CountAsync(CancellationToken cancellationToken);

    public abstract Task<List<object?[]>> PageAsync(int skip, int take, CancellationToken cancellationToken);

    /// <summary>Every row, read from the database as the writer asks for it (not loaded first).</summary>
    public abstract IEnumerable<object?[]> Stream();

    public static LedgerRows Of<T>(IQueryable<T> ordered, Func<T, object?[]> row) => new Query<T>(ordered, row);

    private sealed class Query<T>(IQueryable<T> ordered, Func<T, object?[]> row) : LedgerRows
    {
        public override Task<int> CountAsync(CancellationToken cancellationToken) => ordered.CountAsync(cancellationToken);

        public override async Task<List<object?[]>> PageAsync(int skip, int take, CancellationToken cancellationToken) =>
            (await ordered.Skip(skip).Take(take).ToListAsync(cancellationToken)).ConvertAll(r => row(r));

        public override IEnumerable<object?[]> Stream() => ordered.AsEnumerable().Select(row);
    }
}

/// <summary>
/// What every section's query needs: the database, the caller's scope, whose ledger it is (<see cref="ReportScope"/>:
/// the alliances and/or the one organisation, resolved with the reports' rule, so a unit reads only its own) and the
/// names of organisations and alliances for the cells.
/// </summary>
public sealed class LedgerContext(AllianceDbContext db, AccessScope scope, ReportScope whose, LedgerFilter filter,
    IReadOnlyDictionary<OrganisationId, string> organisations, IReadOnlyDictionary<AllianceId, string> alliances)
{
    public AllianceDbContext Db => db;

    public AccessScope Scope => scope;

    public ReportScope Whose => whose;

    public LedgerFilter Filter => filter;

    public string Organisation(OrganisationId? id) => id is { } o ? organisations.GetValueOrDefault(o) ?? "" : "";

    public string Alliance(AllianceId id) => alliances.GetValueOrDefault(id) ?? "";

    /// <summary>The alliances narrowed to (null: all the caller's section rules allow).</summary>
    public List<AllianceId>? AllianceIds => whose.Alliances?.ToList();
}
