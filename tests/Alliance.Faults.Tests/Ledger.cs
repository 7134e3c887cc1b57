using System.Text.Json;
using Npgsql;

namespace Alliance.Faults.Tests;

/// <summary>The database's side of one fault run: what exists for the run's titles, read straight from the tables.</summary>
public sealed class Ledger(string connectionString)
{
    public sealed record ItemRow(Guid Id, string Title, string Status, Guid Route, long Sequence);

    public sealed record RouteRow(Guid Id, string Status, string? BusinessStatus, string? CorrelationKey, string? Title, bool HasBookmark, bool OpenIncident);

    public sealed record StreamRow(long Sequence, string Kind, Guid? ItemId, long? ItemSequence, string? Status);

    public async Task<List<ItemRow>> ItemsAsync(string label) =>
        await QueryAsync("""SELECT "Id", "Title", "Status", "WorkflowInstanceId", "Sequence" FROM items WHERE "Title" LIKE @p""",
            r => new ItemRow(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetGuid(3), r.GetInt64(4)), ("p", label + "-%"));

    /// <summary>Every top-level route started for the run: those whose input title is one of the run's, and those of the run's items.</summary>
    public async Task<List<RouteRow>> RoutesAsync(string label) =>
        await QueryAsync("""
            SELECT w."Id", w."Status", w."BusinessStatus", w."CorrelationKey", w."Variables"::jsonb ->> 'title',
                   EXISTS (SELECT 1 FROM wf_bookmarks b WHERE b."InstanceId" = w."Id"),
                   EXISTS (SELECT 1 FROM wf_incidents i WHERE i."InstanceId" = w."Id" AND i."ResolvedUtc" IS NULL)
            FROM wf_instances w
            WHERE w."ParentInstanceId" IS NULL
              AND (w."Variables"::jsonb ->> 'title' LIKE @p OR w."Id" IN (SELECT "WorkflowInstanceId" FROM items WHERE "Title" LIKE @p))
            """,
            r => new RouteRow(r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.IsDBNull(4) ? null : r.GetString(4), r.GetBoolean(5), r.GetBoolean(6)), ("p", label + "-%"));

    /// <summary>Timeline entries of the run's items that repeat another entry of the same item (same type and payload), and items whose sequence has a gap.</summary>
    public async Task<(long Repeated, long Gapped)> TimelineFaultsAsync(string label)
    {
        var repeated = await ScalarAsync("""
            SELECT COUNT(*) FROM (
              SELECT e."ItemId" FROM item_events e JOIN items i ON i."Id" = e."ItemId"
              WHERE i."Title" LIKE @p GROUP BY e."ItemId", e."Type", e."PayloadJson" HAVING COUNT(*) > 1) d
            """, ("p", label + "-%"));
        var gapped = await ScalarAsync("""
            SELECT COUNT(*) FROM (
              SELECT e."ItemId" FROM item_events e JOIN items i ON i."Id" = e."ItemId"
              WHERE i."Title" LIKE @p GROUP BY e."ItemId" HAVING MAX(e."Sequence") <> COUNT(*) OR MIN(e."Sequence") <> 1) g
            """, ("p", label + "-%"));
        return (repeated, gapped);
    }

    /// <summary>Rows written to any outbox of the host and not yet published (host events, item events among them, and workflow messages), and audit entries not yet sealed.</summary>
    public async Task<long> BacklogAsync() => await ScalarAsync("""
        SELECT (SELECT COUNT(*) FROM outbox_messages WHERE "DispatchedUtc" IS NULL)
             + (SELECT COUNT(*) FROM wf_outbox WHERE "DispatchedUtc" IS NULL)
        """);

    /// <summary>Routes still running (neither waiting at a bookmark nor finished) or with an open incident, anywhere.</summary>
    public async Task<long> UnsettledRoutesAsync() => await ScalarAsync("""
        SELECT COUNT(*) FROM wf_instances w
        WHERE w."Status" IN ('Running', 'Faulted')
           OR EXISTS (SELECT 1 FROM wf_incidents i WHERE i."InstanceId" = w."Id" AND i."ResolvedUtc" IS NULL)
        """);

    public sealed record DeliveryRow(Guid Subject, Guid Notification, string? State, int? Attempts, string? LastError);

    /// <summary>A person's notifications of one topic about the given subjects, each with its delivery over <paramref name="channel"/> (null when it has none).</summary>
    public async Task<List<DeliveryRow>> DeliveriesAsync(Guid userId, string topic, Guid[] subjects, string channel) =>
        await QueryAsync("""
            SELECT n."SubjectId", n."Id", d."State", d."Attempts", d."LastError"
            FROM notifications n LEFT JOIN notification_deliveries d ON d."NotificationId" = n."Id" AND d."Channel" = @c
            WHERE n."UserId" = @u AND n."Topic" = @t AND n."SubjectId" = ANY(@s)
            """,
            r => new DeliveryRow(r.GetGuid(0), r.GetGuid(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetInt32(3), r.IsDBNull(4) ? null : r.GetString(4)),
            ("u", userId), ("t", topic), ("s", subjects), ("c", channel));

    public async Task<long> HeadAsync(string stream) =>
        await ScalarAsync("SELECT COALESCE(MAX(sequence), 0) FROM stream_events WHERE stream = @s", ("s", stream));

    public async Task<List<StreamRow>> StreamAsync(string stream, long after) =>
        await QueryAsync("SELECT sequence, kind, data FROM stream_events WHERE stream = @s AND sequence > @a ORDER BY sequence", r =>
        {
            using var data = JsonDocument.Parse(r.GetString(2));
            var root = data.RootElement;
            return new StreamRow(r.GetInt64(0), r.GetString(1),
                root.TryGetProperty("itemId", out var id) ? id.GetGuid() : null,
                root.TryGetProperty("itemSequence", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt64() : null,
                root.TryGetProperty("status", out var st) && st.ValueKind == JsonValueKind.String ? st.GetString() : null);
        }, ("s", stream), ("a", after));

    public async Task<bool> ReachableAsync()
    {
        try
        {
            await ScalarAsync("SELECT 1");
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return false;
        }
    }

    private async Task<long> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
