using System.Data;
using System.Data.Common;
using System.Text;
using Alliance.Workflows.Model;
using Alliance.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Alliance.Workflows.Persistence.Ef;

/// <summary>
/// Writes one <see cref="WorkflowCommit"/> as plain SQL statements in one transaction, without EF's change tracker.
/// Table and column names, value conversions and parameter types all come from the host's EF model and provider
/// (the same type mappings SaveChanges uses), so the rows are exactly what SaveChanges would write, on every provider.
/// It only builds the statements (texts, cached, and values); <see cref="StoreSession"/> runs them (prepared on SQLite, batched where the provider
/// supports ADO.NET batches). Every update and delete must touch exactly one row: a stale <see cref="WorkflowInstance.Version"/>,
/// an already-removed bookmark or pending stimulus aborts the commit, as does a duplicate key (the inbox).
/// </summary>
internal sealed class EfCommitWriter
{
    private const int MaxParametersPerStatement = 2000;

    private readonly Table _instances;
    private readonly Table _bookmarks;
    private readonly Table _journal;
    private readonly Table _incidents;
    private readonly Table _outbox;
    private readonly Table _inbox;
    private readonly Table _pending;
    private readonly ISqlGenerationHelper _sql;
    private readonly Statement _waitingInstances;
    private string[] _names = [];

    public EfCommitWriter(DbContext db)
    {
        _sql = db.GetService<ISqlGenerationHelper>();
        var model = db.Model;
        _instances = new Table(model, typeof(WorkflowInstance), this);
        _bookmarks = new Table(model, typeof(Bookmark), this);
        _journal = new Table(model, typeof(JournalEntry), this);
        _incidents = new Table(model, typeof(Incident), this);
        _outbox = new Table(model, typeof(OutboxMessage), this);
        _inbox = new Table(model, typeof(ProcessedStimulus), this);
        _pending = new Table(model, typeof(PendingStimulus), this);
        _waitingInstances = _bookmarks.SelectDistinct(nameof(Bookmark.InstanceId), [(nameof(Bookmark.StimulusType), ""), (nameof(Bookmark.CorrelationKey), "")]);
    }

    /// <summary>
    /// The statements of one commit, in order. Updates and deletes carry <see cref="Statement.ExpectOne"/>: touching no row
    /// means a concurrent change (a stale <see cref="WorkflowInstance.Version"/>, a bookmark or pending stimulus already gone).
    /// </summary>
    public List<Statement> Statements(WorkflowCommit commit)
    {
        var statements = new List<Statement>(8);
        foreach (var write in commit.Instances)
        {
            if (write.ExpectedVersion is { } expected)
            {
                statements.Add(_instances.Update(write.Instance, expected, write.Stored));
            }
        }

        if (commit.Instances.Any(w => w.ExpectedVersion is null))
        {
            _instances.Insert(statements, commit.Instances.Where(w => w.ExpectedVersion is null).Select(w => w.Instance).ToList());
        }

        // A resume usually consumes a bookmark and arms the next: the row of a removed bookmark is rewritten in place as an
        // added one (same outcome as DELETE + INSERT, and still refused if the removed row is gone), so the database
        // touches only the row and the key index instead of every bookmark index twice.
        // Where the removed row as stored is known (and guarded by its instance's version check, which runs first), only the
        // columns that differ are written, so the database leaves the index entries of unchanged columns alone.
        var recycled = Math.Min(commit.RemovedBookmarks.Count, commit.AddedBookmarks.Count);
        for (var i = 0; i < recycled; i++)
        {
            statements.Add(_bookmarks.Replace(commit.RemovedBookmarks[i], commit.AddedBookmarks[i], StoredBookmark(commit, commit.RemovedBookmarks[i])));
        }

        for (var i = recycled; i < commit.RemovedBookmarks.Count; i++)
        {
            statements.Add(_bookmarks.Delete(commit.RemovedBookmarks[i]));
        }

        foreach (var bookmark in commit.UpdatedBookmarks)
        {
            statements.Add(_bookmarks.Update(bookmark, null));
        }

        if (commit.AddedBookmarks.Count > recycled)
        {
            _bookmarks.Insert(statements, recycled == 0 ? commit.AddedBookmarks : [.. commit.AddedBookmarks.Skip(recycled)]);
        }

        _journal.Insert(statements, EnsureIds(commit.Journal, j => j.Id, (j, id) => j.Id = id));
        _incidents.Insert(statements, EnsureIds(commit.AddedIncidents, i => i.Id, (i, id) => i.Id = id));
        foreach (var incident in commit.UpdatedIncidents)
        {
            statements.Add(_incidents.Update(incident, null));
        }

        _outbox.Insert(statements, EnsureIds(commit.Outbox, o => o.Id, (o, id) => o.Id = id));
        _inbox.Insert(statements, commit.Processed);
        foreach (var id in commit.ConsumedPending)
        {
            statements.Add(_pending.Delete(id));
        }

        _pending.Insert(statements, commit.AddedPending);
        return statements;
    }

    /// <summary>The removed bookmark as committed, if the commit knows it and updates its instance against that same commit (version check with a stored image).</summary>
    private static Bookmark? StoredBookmark(WorkflowCommit commit, BookmarkId id)
    {
        if (commit.StoredBookmarks is not { } stored)
        {
            return null;
        }

        foreach (var bookmark in stored)
        {
            if (bookmark.Id == id)
            {
                foreach (var write in commit.Instances)
                {
                    if (write.Stored is not null && write.Instance.Id == bookmark.InstanceId)
                    {
                        return bookmark;
                    }
                }

                return null;
            }
        }

        return null;
    }

    /// <summary>The instances with a bookmark waiting for a stimulus of this type and key (the first read of every delivery).</summary>
    public Statement WaitingInstances(string stimulusType, string correlationKey) =>
        _waitingInstances with { Values = [stimulusType, correlationKey] };

    /// <summary>
    /// One query that returns the index of each (type, key) for which a live (neither dead-lettered nor expired at
    /// <paramref name="nowUtc"/>) queued stimulus exists: the cheap check after a commit, before reading any stimulus in full.
    /// </summary>
    public Statement PendingExists(IReadOnlyList<(string StimulusType, string CorrelationKey)> waiting, DateTime nowUtc) =>
        _pending.ExistsEach(
            nameof(PendingStimulus.DeadLetteredUtc),
            [(nameof(PendingStimulus.StimulusType), "="), (nameof(PendingStimulus.CorrelationKey), "="), (nameof(PendingStimulus.ExpiresUtc), ">")],
            [.. waiting.Select(w => new object[] { w.StimulusType, w.CorrelationKey, nowUtc })]);

    /// <summary>The provider's parameter names p0, p1, ... (at least <paramref name="count"/>), made once and shared by every statement.</summary>
    private string[] Names(int count)
    {
        var names = Volatile.Read(ref _names);
        if (names.Length >= count)
        {
            return names;
        }

        var grown = new string[Math.Max(count, Math.Max(64, names.Length * 2))];
        for (var i = 0; i < grown.Length; i++)
        {
            grown[i] = i < names.Length ? names[i] : _sql.GenerateParameterName(ParameterName(i));
        }

        Volatile.Write(ref _names, grown);
        return grown;
    }

    private static string ParameterName(int index) => "p" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Keys the runtime left empty get a new one, as EF's client-side generation would.</summary>
    private static IReadOnlyList<T> EnsureIds<T>(IReadOnlyList<T> rows, Func<T, Guid> get, Action<T, Guid> set)
    {
        foreach (var row in rows)
        {
            if (get(row) == Guid.Empty)
            {
                set(row, NewIds.Version7());
            }
        }

        return rows;
    }

    /// <summary>
    /// One SQL statement and its parameter values (model values, in placeholder order p0, p1, ...), each with the column
    /// whose type mapping creates and converts it; <see cref="ExpectOne"/>: it must touch exactly one row. No parameter
    /// object is made here: <see cref="StoreSession"/> creates a statement text's parameters once and afterwards only sets
    /// their values.
    /// </summary>
    internal sealed record Statement(string Sql, string[] Names, Column[] Columns, object?[] Values, bool ExpectOne)
    {
        public Statement(string sql)
            : this(sql, [], [], [], ExpectOne: false)
        {
        }

        /// <summary>A new parameter for value <paramref name="index"/>, created by its column's type mapping (as SaveChanges would).</summary>
        public DbParameter CreateParameter(DbCommand factory, int index) =>
            Columns[index].Mapping.CreateParameter(factory, Names[index], Values[index], Columns[index].Property.IsNullable, ParameterDirection.Input);

        private object[]? _providerValues;

        /// <summary>Converts every value for the provider now (see <see cref="ProviderValue"/>), e.g. on the caller's thread rather than the single writer's.</summary>
        public void ConvertValues()
        {
            var converted = new object[Values.Length];
            for (var i = 0; i < converted.Length; i++)
            {
                converted[i] = Columns[i].ToProvider(Values[i]);
            }

            _providerValues = converted;
        }

        /// <summary>Value <paramref name="index"/> as its parameter carries it: converted to the provider type, null as <see cref="DBNull"/>.</summary>
        public object ProviderValue(int index) => _providerValues is { } converted ? converted[index] : Columns[index].ToProvider(Values[index]);
    }

    /// <summary>One mapped table: its columns, their type mappings and getters, and the SQL fragments built from them.</summary>
    private sealed class Table
    {
        private readonly Column[] _columns;
        private readonly Column[] _keys;
        private readonly Column[] _values;
        private readonly Column[] _tokens;
        private readonly string _name;
        private readonly string _insertPrefix;
        private readonly string _update;
        private readonly string _updateWithToken;
        private readonly string _delete;
        private readonly string _replace;
        private readonly Column[] _updateColumns;
        private readonly Column[] _updateWithTokenColumns;
        private readonly Column[] _replaceColumns;
        private readonly (string Sql, Column[] Columns)?[] _inserts = new (string, Column[])?[9]; // INSERT texts by row count (a commit rarely adds more); a race only builds one twice
        private readonly bool[] _indexed; // per column of _columns: part of a (non-key) index
        private readonly System.Collections.Concurrent.ConcurrentDictionary<(ulong Columns, int Shape), (string Sql, Column[] Columns)> _partial = new();
        private readonly EfCommitWriter _writer;

        public Table(IModel model, Type clrType, EfCommitWriter writer)
        {
            var entity = model.FindEntityType(clrType) ?? throw new InvalidOperationException($"{clrType.Name} is not in the model: call ApplyWorkflowModel() in OnModelCreating");
            _writer = writer;
            var sql = writer._sql;
            _name = sql.DelimitIdentifier(entity.GetTableName()!, entity.GetSchema());
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            var key = entity.FindPrimaryKey()!.Properties;
            _columns = [.. entity.GetProperties().Select(p => new Column(
                p,
                sql.DelimitIdentifier(p.GetColumnName(table)!),
                p.GetRelationalTypeMapping(),
                p.GetGetter(),
                key.Contains(p)))];
            _keys = [.. _columns.Where(c => c.IsKey)];
            _values = [.. _columns.Where(c => !c.IsKey)];
            _tokens = [.. _columns.Where(c => c.Property.IsConcurrencyToken)];
            _insertPrefix = $"INSERT INTO {_name} ({string.Join(", ", _columns.Select(c => c.Name))}) VALUES ";
            _update = UpdateSql(withToken: false);
            _updateWithToken = UpdateSql(withToken: true);
            _updateColumns = [.. _values, .. _keys];
            _updateWithTokenColumns = [.. _values, .. _keys, .. _tokens];
            _delete = $"DELETE FROM {_name} WHERE {_keys[0].Name} = {Placeholder(0)}";
            _replace = $"UPDATE {_name} SET {string.Join(", ", _columns.Select((c, i) => $"{c.Name} = {Placeholder(i)}"))} WHERE {_keys[0].Name} = {Placeholder(_columns.Length)}";
            _replaceColumns = [.. _columns, _keys[0]];
            var indexed = entity.GetIndexes().SelectMany(i => i.Properties).ToHashSet();
            _indexed = [.. _columns.Select(c => indexed.Contains(c.Property) && !c.IsKey)];
            if (_columns.Length > 64)
            {
                throw new InvalidOperationException($"{clrType.Name} has more than 64 columns");
            }
        }

        /// <summary>
        /// The columns to SET when rewriting <paramref name="stored"/> as <paramref name="row"/>: every column outside an index
        /// (cheap to write, not worth comparing) and each indexed one whose value differs; keys per <paramref name="withKeys"/>.
        /// </summary>
        private ulong Changed(object row, object stored, bool withKeys)
        {
            var mask = 0UL;
            for (var c = 0; c < _columns.Length; c++)
            {
                var column = _columns[c];
                if (column.IsKey ? withKeys : !_indexed[c] || !column.Comparer.Equals(column.Get(row), column.Get(stored)))
                {
                    mask |= 1UL << c;
                }
            }

            return mask;
        }

        /// <summary>UPDATE of the columns in <paramref name="mask"/> WHERE key (shape 0), key AND token (1), or key = the old key (2).</summary>
        private (string Sql, Column[] Columns) PartialSql(ulong mask, int shape) => _partial.GetOrAdd((mask, shape), key =>
        {
            var parameters = new List<Column>();
            var sql = new StringBuilder("UPDATE ").Append(_name).Append(" SET ");
            for (var c = 0; c < _columns.Length; c++)
            {
                if ((key.Columns & (1UL << c)) != 0)
                {
                    sql.Append(parameters.Count == 0 ? "" : ", ").Append(_columns[c].Name).Append(" = ").Append(Placeholder(parameters.Count));
                    parameters.Add(_columns[c]);
                }
            }

            sql.Append(" WHERE ");
            var keys = key.Shape == 2 ? _keys[..1] : _keys;
            for (var k = 0; k < keys.Length; k++)
            {
                sql.Append(k == 0 ? "" : " AND ").Append(keys[k].Name).Append(" = ").Append(Placeholder(parameters.Count));
                parameters.Add(keys[k]);
            }

            if (key.Shape == 1)
            {
                foreach (var token in _tokens)
                {
                    sql.Append(" AND ").Append(token.Name).Append(" = ").Append(Placeholder(parameters.Count));
                    parameters.Add(token);
                }
            }

            return (sql.ToString(), [.. parameters]);
        });

        /// <summary>The values of the masked columns of <paramref name="row"/> in column order, with room for <paramref name="extra"/> more.</summary>
        private object?[] MaskedValues(object row, ulong mask, int extra, out int next)
        {
            var values = new object?[System.Numerics.BitOperations.PopCount(mask) + extra];
            next = 0;
            for (var c = 0; c < _columns.Length; c++)
            {
                if ((mask & (1UL << c)) != 0)
                {
                    values[next++] = _columns[c].Get(row);
                }
            }

            return values;
        }

        /// <summary>Inserts the rows, as many per statement as the parameter limit allows (the statement text is cached per row count).</summary>
        public void Insert<T>(List<Statement> statements, IReadOnlyList<T> rows)
            where T : class
        {
            var perStatement = Math.Max(1, MaxParametersPerStatement / _columns.Length);
            for (var start = 0; start < rows.Count; start += perStatement)
            {
                var count = Math.Min(rows.Count - start, perStatement);
                var values = new object?[count * _columns.Length];
                var v = 0;
                for (var r = start; r < start + count; r++)
                {
                    foreach (var column in _columns)
                    {
                        values[v++] = column.Get(rows[r]);
                    }
                }

                var (sql, columns) = InsertSql(count);
                statements.Add(new Statement(sql, _writer.Names(values.Length), columns, values, ExpectOne: false));
            }
        }

        /// <summary>
        /// Updates the row: every column, or with <paramref name="stored"/> (the row as committed) only those that may differ
        /// (see <see cref="Changed"/>); with <paramref name="expectedToken"/>, only if the concurrency token still has that value.
        /// </summary>
        public Statement Update(object row, object? expectedToken, object? stored = null)
        {
            if (stored is not null)
            {
                var mask = Changed(row, stored, withKeys: false);
                var (partialSql, partialColumns) = PartialSql(mask, expectedToken is null ? 0 : 1);
                var partialValues = MaskedValues(row, mask, _keys.Length + (expectedToken is null ? 0 : _tokens.Length), out var p);
                foreach (var key in _keys)
                {
                    partialValues[p++] = key.Get(row);
                }

                for (var t = 0; expectedToken is not null && t < _tokens.Length; t++)
                {
                    partialValues[p++] = expectedToken;
                }

                return new Statement(partialSql, _writer.Names(partialValues.Length), partialColumns, partialValues, ExpectOne: true);
            }

            var columns = expectedToken is null ? _updateColumns : _updateWithTokenColumns;
            var values = new object?[columns.Length];
            var v = 0;
            foreach (var column in _values)
            {
                values[v++] = column.Get(row);
            }

            foreach (var key in _keys)
            {
                values[v++] = key.Get(row);
            }

            if (expectedToken is not null)
            {
                for (var t = 0; t < _tokens.Length; t++)
                {
                    values[v++] = expectedToken;
                }
            }

            return new Statement(expectedToken is null ? _update : _updateWithToken, _writer.Names(values.Length), columns, values, ExpectOne: true);
        }

        /// <summary>
        /// Rewrites the row with (single-column) key <paramref name="oldKey"/> as <paramref name="row"/>, key included: every
        /// column, or with <paramref name="stored"/> (the old row as committed) only the key and the columns that may differ.
        /// </summary>
        public Statement Replace(object oldKey, object row, object? stored = null)
        {
            if (stored is not null)
            {
                var mask = Changed(row, stored, withKeys: true);
                var (partialSql, partialColumns) = PartialSql(mask, 2);
                var partialValues = MaskedValues(row, mask, 1, out var p);
                partialValues[p] = oldKey;
                return new Statement(partialSql, _writer.Names(partialValues.Length), partialColumns, partialValues, ExpectOne: true);
            }

            var values = new object?[_replaceColumns.Length];
            for (var c = 0; c < _columns.Length; c++)
            {
                values[c] = _columns[c].Get(row);
            }

            values[_columns.Length] = oldKey;
            return new Statement(_replace, _writer.Names(values.Length), _replaceColumns, values, ExpectOne: true);
        }

        /// <summary>Deletes the row with this (single-column) key.</summary>
        public Statement Delete(object key) => new(_delete, _writer.Names(1), [_keys[0]], [key], ExpectOne: true);

        private (string Sql, Column[] Columns) InsertSql(int rows)
        {
            if (rows < _inserts.Length && _inserts[rows] is { } cached)
            {
                return cached;
            }

            var sql = new StringBuilder(_insertPrefix);
            var columns = new Column[rows * _columns.Length];
            var parameter = 0;
            for (var r = 0; r < rows; r++)
            {
                sql.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < _columns.Length; c++)
                {
                    columns[parameter] = _columns[c];
                    sql.Append(c == 0 ? "" : ", ").Append(Placeholder(parameter++));
                }

                sql.Append(')');
            }

            var built = (sql.ToString(), columns);
            if (rows < _inserts.Length)
            {
                _inserts[rows] = built;
            }

            return built;
        }

        /// <summary>UPDATE ... SET every value column WHERE key (AND token): placeholders in the order <see cref="Update"/> adds values.</summary>
        private string UpdateSql(bool withToken)
        {
            var parameter = 0;
            var sql = new StringBuilder("UPDATE ").Append(_name).Append(" SET ");
            for (var c = 0; c < _values.Length; c++)
            {
                sql.Append(c == 0 ? "" : ", ").Append(_values[c].Name).Append(" = ").Append(Placeholder(parameter++));
            }

            sql.Append(" WHERE ");
            for (var k = 0; k < _keys.Length; k++)
            {
                sql.Append(k == 0 ? "" : " AND ").Append(_keys[k].Name).Append(" = ").Append(Placeholder(parameter++));
            }

            if (withToken)
            {
                foreach (var token in _tokens)
                {
                    sql.Append(" AND ").Append(token.Name).Append(" = ").Append(Placeholder(parameter++));
                }
            }

            return sql.ToString();
        }

        /// <summary>
        /// <c>SELECT i WHERE EXISTS (SELECT 1 FROM table WHERE nullProperty IS NULL AND each condition)</c> for each row i of
        /// <paramref name="values"/>, joined by UNION ALL: the indexes of the value rows that match a row of the table.
        /// </summary>
        public Statement ExistsEach(string nullProperty, (string Property, string Operator)[] conditions, IReadOnlyList<object[]> values)
        {
            var parameters = new List<Column>();
            var parameterValues = new List<object?>();
            var sql = new StringBuilder();
            var columns = conditions.Select(c => Column(c.Property)).ToArray();
            for (var i = 0; i < values.Count; i++)
            {
                sql.Append(i == 0 ? "" : " UNION ALL ").Append("SELECT ").Append(i.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .Append(" WHERE EXISTS (SELECT 1 FROM ").Append(_name).Append(" WHERE ").Append(Column(nullProperty).Name).Append(" IS NULL");
                for (var c = 0; c < columns.Length; c++)
                {
                    sql.Append(" AND ").Append(columns[c].Name).Append(' ').Append(conditions[c].Operator).Append(' ').Append(Placeholder(parameters.Count));
                    parameters.Add(columns[c]);
                    parameterValues.Add(values[i][c]);
                }

                sql.Append(')');
            }

            return new Statement(sql.ToString(), _writer.Names(parameters.Count), [.. parameters], [.. parameterValues], ExpectOne: false);
        }

        /// <summary>SELECT DISTINCT one column WHERE each property equals its value.</summary>
        public Statement SelectDistinct(string selected, (string Property, object Value)[] equal)
        {
            var parameters = new Column[equal.Length];
            var values = new object?[equal.Length];
            var sql = new StringBuilder("SELECT DISTINCT ").Append(Column(selected).Name).Append(" FROM ").Append(_name).Append(" WHERE ");
            for (var i = 0; i < equal.Length; i++)
            {
                var column = Column(equal[i].Property);
                sql.Append(i == 0 ? "" : " AND ").Append(column.Name).Append(" = ").Append(Placeholder(i));
                parameters[i] = column;
                values[i] = equal[i].Value;
            }

            return new Statement(sql.ToString(), _writer.Names(values.Length), parameters, values, ExpectOne: false);
        }

        private Column Column(string property) => _columns.Single(c => c.Property.Name == property);

        private string Placeholder(int index) => _writer._sql.GenerateParameterNamePlaceholder(ParameterName(index));
    }

    /// <summary>One mapped column: its property, delimited name, type mapping (with its value converter) and getter.</summary>
    internal sealed class Column(IProperty property, string name, RelationalTypeMapping mapping, IClrPropertyGetter getter, bool isKey)
    {
        private readonly Func<object?, object?>? _toProvider = mapping.Converter is { } converter ? converter.ConvertToProvider : null;

        public IProperty Property { get; } = property;

        public string Name { get; } = name;

        public RelationalTypeMapping Mapping { get; } = mapping;

        public bool IsKey { get; } = isKey;

        /// <summary>The property's value comparer, resolved once (it is compared on every partial update).</summary>
        public ValueComparer Comparer { get; } = property.GetValueComparer();

        public object? Get(object row) => getter.GetClrValueUsingContainingEntity(row);

        /// <summary>What <see cref="RelationalTypeMapping.CreateParameter"/> would set as the parameter's value.</summary>
        public object ToProvider(object? value) => (_toProvider is null ? value : _toProvider(value)) ?? DBNull.Value;
    }
}
