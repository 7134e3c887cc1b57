using System.Text.Json;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Realtime;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Alliance.Server.Features.Live;

/// <summary>A replayed event: as pushed (<see cref="Data"/> is the pushed JSON), with its kind.</summary>
public sealed record StreamEventEnvelope(string Stream, long Sequence, string Kind, DateTimeOffset At, JsonElement Data);

/// <summary>
/// What a stream holds after <see cref="After"/>: the events in order, the stream's head, whether more
/// follow (page again from the last sequence), and whether events after <see cref="After"/> were already pruned
/// (<see cref="Expired"/>: reload the state instead of replaying).
/// </summary>
/// <summary>A page of a stream; <see cref="Limit"/> is the most events it could hold, as applied (the default when none was asked).</summary>
public sealed record StreamPage(string Stream, long After, long Head, IReadOnlyList<StreamEventEnvelope> Events, bool HasMore, bool Expired, int Limit);

/// <summary>
/// The per-stream, gap-free event log. Sequence numbers come from the stream's row in <c>stream_heads</c>,
/// incremented by one upsert inside the append transaction: the row lock serialises appends to one stream on
/// PostgreSQL (also across nodes), SQLite has one writer anyway. A rolled-back append rolls its number back
/// too, so there are no gaps. All streams fed by one bus event are appended in one transaction.
/// </summary>
public sealed class StreamLog(IDbContextFactory<AllianceDbContext> contexts, TimeProvider time, IOptions<JsonOptions> json)
{
    public const int MaxPage = 1000;

    private const int Attempts = 8;

    /// <summary>The most rows one INSERT of a group append carries (7 parameters each: well within SQLite's and PostgreSQL's limits).</summary>
    private const int RowsPerStatement = 500;

    /// <summary>
    /// Appends each event to its stream, numbering it, in one transaction that locks the streams' heads in stream order
    /// (as <see cref="AppendBatchAsync"/> does, so that no two appends deadlock). Streams that already hold an event of
    /// the same kind from <paramref name="sourceEventId"/> are skipped (a duplicated message appends nothing). Returns
    /// the events appended, stream and sequence filled in.
    /// </summary>
    public async Task<IReadOnlyList<LiveEvent>> AppendAsync(
        Guid sourceEventId, IReadOnlyList<(StreamId Stream, LiveEvent Event)> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryAppendAsync(sourceEventId, entries, cancellationToken);
            }
            catch (DbUpdateException) when (attempt < Attempts)
            {
                // Another node appended the same source event (unique (stream, source_event_id)) or created the
                // head row first: try again; the duplicate check then skips what is already there.
            }
        }
    }

    private async Task<IReadOnlyList<LiveEvent>> TryAppendAsync(
        Guid sourceEventId, IReadOnlyList<(StreamId Stream, LiveEvent Event)> entries, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var appended = new List<LiveEvent>();
            var now = time.GetUtcNow();
            // heads locked in stream order, as the group append locks them: two appends that share streams then never
            // wait for each other's locks crosswise (a deadlock). The sort is stable: one stream's events keep their order.
            foreach (var (stream, change) in entries.OrderBy(e => e.Stream.ToString(), StringComparer.Ordinal))
            {
                var name = stream.ToString();
                // Take the stream's number first: on SQLite this is the transaction's first write, so it holds the
                // write lock before it reads; on PostgreSQL the head row stays locked until commit.
                var sequence = (await db.Database
                    .SqlQuery<long>($"INSERT INTO stream_heads (stream, last_sequence) VALUES ({name}, 1) ON CONFLICT (stream) DO UPDATE SET last_sequence = stream_heads.last_sequence + 1 RETURNING last_sequence AS \"Value\"")
                    .ToListAsync(ct)).Single();
                var kind = change.Kind;
                if (await db.Set<StreamEvent>().AnyAsync(e => e.Stream == name && e.SourceEventId == sourceEventId && e.Kind == kind, ct))
                {
                    await db.Database.ExecuteSqlAsync($"UPDATE stream_heads SET last_sequence = last_sequence - 1 WHERE stream = {name}", ct);
                    continue;
                }

                var numbered = change with { Stream = name, Sequence = sequence, At = change.At == default ? now : change.At };
                db.Set<StreamEvent>().Add(Row(numbered, sourceEventId, now));
                appended.Add(numbered);
            }

            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return (IReadOnlyList<LiveEvent>)appended;
        }, cancellationToken);
    }

    /// <summary>
    /// Appends several bus events' stream events in one transaction (group commit: one commit for many changes), in
    /// three statements however many streams and events: the duplicate check, one upsert that moves each stream's head
    /// once by the number of its new events (rows in stream order, so heads are locked in stream order and two nodes
    /// cannot deadlock), and one multi-row INSERT of the events. Duplicates (same stream, source event and kind) are skipped. Returns, per input, the
    /// events appended. Throws if the transaction fails (e.g. another node appended the same source at the same
    /// moment): the caller then appends one by one with <see cref="AppendAsync"/>.
    /// </summary>
    public async Task<IReadOnlyList<IReadOnlyList<LiveEvent>>> AppendBatchAsync(
        IReadOnlyList<(Guid Source, IReadOnlyList<(StreamId Stream, LiveEvent Event)> Entries)> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var sources = batch.Select(b => b.Source).Distinct().ToList();
            var existing = (await db.Set<StreamEvent>().AsNoTracking()
                    .Where(e => sources.Contains(e.SourceEventId))
                    .Select(e => new { e.Stream, e.SourceEventId, e.Kind })
                    .ToListAsync(ct))
                .Select(e => (e.Stream, e.SourceEventId, e.Kind))
                .ToHashSet();
            var fresh = new List<(int Input, string Stream, LiveEvent Event, Guid Source)>();
            for (var i = 0; i < batch.Count; i++)
            {
                foreach (var (stream, change) in batch[i].Entries)
                {
                    var name = stream.ToString();
                    if (existing.Add((name, batch[i].Source, change.Kind)))
                    {
                        fresh.Add((i, name, change, batch[i].Source));
                    }
                }
            }

            var next = await TakeSequencesAsync(db, fresh.GroupBy(f => f.Stream).Select(g => (g.Key, (long)g.Count())), ct);
            var now = time.GetUtcNow();
            var appended = batch.Select(_ => new List<LiveEvent>()).ToList();
            var rows = new List<StreamEvent>(fresh.Count);
            foreach (var (input, name, change, source) in fresh)
            {
                var numbered = change with { Stream = name, Sequence = next[name]++, At = change.At == default ? now : change.At };
                rows.Add(Row(numbered, source, now));
                appended[input].Add(numbered);
            }

            await InsertAsync(db, rows, ct);
            await transaction.CommitAsync(ct);
            return (IReadOnlyList<IReadOnlyList<LiveEvent>>)appended;
        }, cancellationToken);
    }

    /// <summary>The stored row of a numbered event: the event as pushed (JSON), its kind, source and moments.</summary>
    private StreamEvent Row(LiveEvent numbered, Guid source, DateTimeOffset now) => new()
    {
        Stream = numbered.Stream,
        Sequence = numbered.Sequence,
        Kind = numbered.Kind,
        Data = JsonSerializer.Serialize(numbered, numbered.GetType(), json.Value.SerializerOptions),
        SourceEventId = source,
        At = numbered.At,
        AppendedAtUtc = now.UtcDateTime,
    };

    /// <summary>
    /// Moves each stream's head by its count in one upsert, the rows in stream order (so that two appends lock heads
    /// in the same order and never deadlock), and returns each stream's first new sequence number.
    /// </summary>
    private static async Task<Dictionary<string, long>> TakeSequencesAsync(AllianceDbContext db, IEnumerable<(string Stream, long Count)> counts, CancellationToken ct)
    {
        var ordered = counts.OrderBy(c => c.Stream, StringComparer.Ordinal).ToList();
        var next = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var chunk in ordered.Chunk(RowsPerStatement))
        {
            var values = string.Join(", ", chunk.Select((_, i) => $"({{{2 * i}}}, {{{2 * i + 1}}})"));
            var parameters = chunk.SelectMany(c => new object[] { c.Stream, c.Count }).ToArray();
            // only parameter placeholders are built into the text; every value is a parameter
            var sql = $"INSERT INTO stream_heads (stream, last_sequence) VALUES {values} ON CONFLICT (stream) DO UPDATE SET last_sequence = stream_heads.last_sequence + excluded.last_sequence RETURNING stream AS \"Stream\", last_sequence AS \"LastSequence\"";
            var heads = await db.Database.SqlQueryRaw<HeadRow>(sql, parameters).ToListAsync(ct);
            var counted = chunk.ToDictionary(c => c.Stream, c => c.Count, StringComparer.Ordinal);
            foreach (var head in heads)
            {
                next[head.Stream] = head.LastSequence - counted[head.Stream] + 1;
            }
        }

        return next;
    }

    /// <summary>Inserts the rows with one multi-row INSERT per <see cref="RowsPerStatement"/>, not one statement each.</summary>
    private static async Task InsertAsync(AllianceDbContext db, IReadOnlyList<StreamEvent> rows, CancellationToken ct)
    {
        foreach (var chunk in rows.Chunk(RowsPerStatement))
        {
            var values = string.Join(", ", chunk.Select((_, i) => "(" + string.Join(", ", Enumerable.Range(7 * i, 7).Select(n => $"{{{n}}}")) + ")"));
            var parameters = chunk.SelectMany(e => new object[] { e.Stream, e.Sequence, e.Kind, e.Data, e.SourceEventId, e.At, e.AppendedAtUtc }).ToArray();
            var sql = $"INSERT INTO stream_events (stream, sequence, kind, data, source_event_id, at, appended_at_utc) VALUES {values}"; // placeholders only
            await db.Database.ExecuteSqlRawAsync(sql, parameters, ct);
        }
    }

    /// <summary>A head as the upsert returns it.</summary>
    private sealed class HeadRow
    {
        public required string Stream { get; init; }

        public long LastSequence { get; init; }
    }

    /// <summary>The events of <paramref name="stream"/> after <paramref name="after"/>, in order, at most <paramref name="limit"/>.</summary>
    public async Task<StreamPage> ReadAsync(StreamId stream, long after, int limit = MaxPage, CancellationToken cancellationToken = default)
    {
        var name = stream.ToString();
        after = Math.Max(0, after);
        limit = Math.Clamp(limit, 1, MaxPage);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var head = await HeadAsync(db, name, cancellationToken);
        var rows = await db.Set<StreamEvent>().AsNoTracking()
            .Where(e => e.Stream == name && e.Sequence > after)
            .OrderBy(e => e.Sequence)
            .Take(limit + 1)
            .ToListAsync(cancellationToken);
        var hasMore = rows.Count > limit;
        var events = rows.Take(limit)
            .Select(e => new StreamEventEnvelope(e.Stream, e.Sequence, e.Kind, e.At, JsonSerializer.Deserialize<JsonElement>(e.Data)))
            .ToList();
        var expired = head > after && (events.Count == 0 || events[0].Sequence != after + 1);
        return new StreamPage(name, after, head, events, hasMore, expired, limit);
    }

    /// <summary>The last sequence number of <paramref name="stream"/> (0 before its first event).</summary>
    public async Task<long> HeadAsync(StreamId stream, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await HeadAsync(db, stream.ToString(), cancellationToken);
    }

    private static Task<long> HeadAsync(AllianceDbContext db, string name, CancellationToken cancellationToken) =>
        db.Set<StreamHead>().AsNoTracking().Where(h => h.Stream == name).Select(h => h.LastSequence).FirstOrDefaultAsync(cancellationToken);

    /// <summary>Deletes events appended before <paramref name="cutoffUtc"/>; heads stay, so numbering continues.</summary>
    public async Task<int> PruneAsync(DateTime cutoffUtc, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Set<StreamEvent>().Where(e => e.AppendedAtUtc < cutoffUtc).ExecuteDeleteAsync(cancellationToken);
    }
}
