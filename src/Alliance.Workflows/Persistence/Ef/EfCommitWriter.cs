using System.Data;
using System.Data.Common;
using System.Text;
using Alliance.Workflows.Model;
using Alliance.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Alliance.Workflows.Persistence.Ef;

/// <summary>
/// Writes one <see cref="WorkflowCommit"/> as plain SQL statements in one transaction, without EF's change tracker.
/// Table and column names, value conversions and parameter types all come from the host's EF model and provider
/// (the same type mappings SaveChanges uses), so the rows are exactly what SaveChanges would write, on every provider.
/// It only builds the statements; <see cref="StoreSession"/> runs them (prepared on SQLite, batched where the provider
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

    public EfCommitWriter(DbContext db)
    {
        _sql = db.GetService<ISqlGenerationHelper>();
        var model = db.Model;
        _instances = new Table(model, typeof(WorkflowInstance), _sql);
        _bookmarks = new Table(model, typeof(Bookmark), _sql);
        _journal = new Table(model, typeof(JournalEntry), _sql);
        _incidents = new Table(model, typeof(Incident), _sql);
        _outbox = new Table(model, typeof(OutboxMessage), _sql);
        _inbox = new Table(model, typeof(ProcessedStimulus), _sql);
        _pending = new Table(model, typeof(PendingStimulus), _sql);
    }

    /// <summary>
    /// The statements of one commit, in order. Updates and deletes carry <see cref="Statement.ExpectOne"/>: touching no row
    /// means a concurrent change (a stale <see cref="WorkflowInstance.Version"/>, a bookmark or pending stimulus already gone).
    /// <paramref name="factory"/> is any command of the connection that will run them (it creates the parameters).
    /// </summary>
    public List<Statement> Statements(DbCommand factory, WorkflowCommit commit)
    {
        var statements = new List<Statement>();
        foreach (var write in commit.Instances)
        {
            if (write.ExpectedVersion is { } expected)
            {
                statements.Add(_instances.Update(factory, write.Instance, expected));
            }
        }

        _instances.Insert(factory, statements, commit.Instances.Where(w => w.ExpectedVersion is null).Select(w => w.Instance).ToList());
        // A resume usually consumes a bookmark and arms the next: the row of a removed bookmark is rewritten in place as an
        // added one (same outcome as DELETE + INSERT, and still refused if the removed row is gone), so the database
        // touches only the row and the key index instead of every bookmark index twice.
        var recycled = Math.Min(commit.RemovedBookmarks.Count, commit.AddedBookmarks.Count);
        for (var i = 0; i < recycled; i++)
        {
            statements.Add(_bookmarks.Replace(factory, commit.RemovedBookmarks[i], commit.AddedBookmarks[i]));
        }

        for (var i = recycled; i < commit.RemovedBookmarks.Count; i++)
        {
            statements.Add(_bookmarks.Delete(factory, commit.RemovedBookmarks[i]));
        }

        foreach (var bookmark in commit.UpdatedBookmarks)
        {
            statements.Add(_bookmarks.Update(factory, bookmark, null));
        }

        _bookmarks.Insert(factory, statements, recycled == 0 ? commit.AddedBookmarks : [.. commit.AddedBookmarks.Skip(recycled)]);
        _journal.Insert(factory, statements, EnsureIds(commit.Journal, j => j.Id, (j, id) => j.Id = id));
        _incidents.Insert(factory, statements, EnsureIds(commit.AddedIncidents, i => i.Id, (i, id) => i.Id = id));
        foreach (var incident in commit.UpdatedIncidents)
        {
            statements.Add(_incidents.Update(factory, incident, null));
        }

        _outbox.Insert(factory, statements, EnsureIds(commit.Outbox, o => o.Id, (o, id) => o.Id = id));
        _inbox.Insert(factory, statements, commit.Processed);
        foreach (var id in commit.ConsumedPending)
        {
            statements.Add(_pending.Delete(factory, id));
        }

        _pending.Insert(factory, statements, commit.AddedPending);
        return statements;
    }

    /// <summary>The instances with a bookmark waiting for a stimulus of this type and key (the first read of every delivery).</summary>
    public Statement WaitingInstances(DbCommand factory, string stimulusType, string correlationKey) =>
        _bookmarks.SelectDistinct(factory, nameof(Bookmark.InstanceId), [(nameof(Bookmark.StimulusType), stimulusType), (nameof(Bookmark.CorrelationKey), correlationKey)]);

    /// <summary>
    /// One query that returns the index of each (type, key) for which a live (neither dead-lettered nor expired at
    /// <paramref name="nowUtc"/>) queued stimulus exists: the cheap check after a commit, before reading any stimulus in full.
    /// </summary>
    public Statement PendingExists(DbCommand factory, IReadOnlyList<(string StimulusType, string CorrelationKey)> waiting, DateTime nowUtc) =>
        _pending.ExistsEach(
            factory,
            nameof(PendingStimulus.DeadLetteredUtc),
            [(nameof(PendingStimulus.StimulusType), "="), (nameof(PendingStimulus.CorrelationKey), "="), (nameof(PendingStimulus.ExpiresUtc), ">")],
            [.. waiting.Select(w => new object[] { w.StimulusType, w.CorrelationKey, nowUtc })]);

    /// <summary>Keys the runtime left empty get a new one, as EF's client-side generation would.</summary>
    private static IReadOnlyList<T> EnsureIds<T>(IReadOnlyList<T> rows, Func<T, Guid> get, Action<T, Guid> set)
    {
        foreach (var row in rows)
        {
            if (get(row) == Guid.Empty)
            {
                set(row, Guid.CreateVersion7());
            }
        }

        return rows;
    }

    /// <summary>One SQL statement with its parameters; <see cref="ExpectOne"/>: it must touch exactly one row.</summary>
    internal sealed record Statement(string Sql, List<DbParameter> Parameters, bool ExpectOne);

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
        private readonly string?[] _inserts = new string?[9]; // INSERT texts by row count (a commit rarely adds more); a race only builds one twice
        private readonly ISqlGenerationHelper _sql;

        public Table(IModel model, Type clrType, ISqlGenerationHelper sql)
        {
            var entity = model.FindEntityType(clrType) ?? throw new InvalidOperationException($"{clrType.Name} is not in the model: call ApplyWorkflowModel() in OnModelCreating");
            _sql = sql;
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
            _delete = $"DELETE FROM {_name} WHERE {_keys[0].Name} = {Placeholder(0)}";
            _replace = $"UPDATE {_name} SET {string.Join(", ", _columns.Select((c, i) => $"{c.Name} = {Placeholder(i)}"))} WHERE {_keys[0].Name} = {Placeholder(_columns.Length)}";
        }

        /// <summary>Inserts the rows, as many per statement as the parameter limit allows (the statement text is cached per row count).</summary>
        public void Insert<T>(DbCommand factory, List<Statement> statements, IReadOnlyList<T> rows)
            where T : class
        {
            var perStatement = Math.Max(1, MaxParametersPerStatement / _columns.Length);
            for (var start = 0; start < rows.Count; start += perStatement)
            {
                var count = Math.Min(rows.Count - start, perStatement);
                var parameters = new List<DbParameter>(count * _columns.Length);
                for (var r = start; r < start + count; r++)
                {
                    foreach (var column in _columns)
                    {
                        Parameter(factory, parameters, column, column.Getter.GetClrValueUsingContainingEntity(rows[r]));
                    }
                }

                statements.Add(new Statement(InsertSql(count), parameters, ExpectOne: false));
            }
        }

        /// <summary>Updates every column of the row; with <paramref name="expectedToken"/>, only if the concurrency token still has that value.</summary>
        public Statement Update(DbCommand factory, object row, object? expectedToken)
        {
            var parameters = new List<DbParameter>(_columns.Length + _tokens.Length);
            foreach (var column in _values)
            {
                Parameter(factory, parameters, column, column.Getter.GetClrValueUsingContainingEntity(row));
            }

            foreach (var key in _keys)
            {
                Parameter(factory, parameters, key, key.Getter.GetClrValueUsingContainingEntity(row));
            }

            if (expectedToken is not null)
            {
                foreach (var token in _tokens)
                {
                    Parameter(factory, parameters, token, expectedToken);
                }
            }

            return new Statement(expectedToken is null ? _update : _updateWithToken, parameters, ExpectOne: true);
        }

        /// <summary>Rewrites the row with (single-column) key <paramref name="oldKey"/> as <paramref name="row"/>, key included.</summary>
        public Statement Replace(DbCommand factory, object oldKey, object row)
        {
            var parameters = new List<DbParameter>(_columns.Length + 1);
            foreach (var column in _columns)
            {
                Parameter(factory, parameters, column, column.Getter.GetClrValueUsingContainingEntity(row));
            }

            Parameter(factory, parameters, _keys[0], oldKey);
            return new Statement(_replace, parameters, ExpectOne: true);
        }

        /// <summary>Deletes the row with this (single-column) key.</summary>
        public Statement Delete(DbCommand factory, object key)
        {
            var parameters = new List<DbParameter>(1);
            Parameter(factory, parameters, _keys[0], key);
            return new Statement(_delete, parameters, ExpectOne: true);
        }

        private string InsertSql(int rows)
        {
            if (rows < _inserts.Length && _inserts[rows] is { } cached)
            {
                return cached;
            }

            var sql = new StringBuilder(_insertPrefix);
            var parameter = 0;
            for (var r = 0; r < rows; r++)
            {
                sql.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < _columns.Length; c++)
                {
                    sql.Append(c == 0 ? "" : ", ").Append(Placeholder(parameter++));
                }

                sql.Append(')');
            }

            var text = sql.ToString();
            if (rows < _inserts.Length)
            {
                _inserts[rows] = text;
            }

            return text;
        }

        /// <summary>UPDATE ... SET every value column WHERE key (AND token): placeholders in the order <see cref="Update"/> adds parameters.</summary>
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
        public Statement ExistsEach(DbCommand factory, string nullProperty, (string Property, string Operator)[] conditions, IReadOnlyList<object[]> values)
        {
            var parameters = new List<DbParameter>();
            var sql = new StringBuilder();
            var columns = conditions.Select(c => Column(c.Property)).ToArray();
            for (var i = 0; i < values.Count; i++)
            {
                sql.Append(i == 0 ? "" : " UNION ALL ").Append("SELECT ").Append(i.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .Append(" WHERE EXISTS (SELECT 1 FROM ").Append(_name).Append(" WHERE ").Append(Column(nullProperty).Name).Append(" IS NULL");
                for (var c = 0; c < columns.Length; c++)
                {
                    sql.Append(" AND ").Append(columns[c].Name).Append(' ').Append(conditions[c].Operator).Append(' ').Append(Placeholder(parameters.Count));
                    Parameter(factory, parameters, columns[c], values[i][c]);
                }

                sql.Append(')');
            }

            return new Statement(sql.ToString(), parameters, ExpectOne: false);
        }

        /// <summary>SELECT DISTINCT one column WHERE each property equals its value.</summary>
        public Statement SelectDistinct(DbCommand factory, string selected, (string Property, object Value)[] equal)
        {
            var parameters = new List<DbParameter>();
            var sql = new StringBuilder("SELECT DISTINCT ").Append(Column(selected).Name).Append(" FROM ").Append(_name).Append(" WHERE ");
            foreach (var (property, value) in equal)
            {
                var column = Column(property);
                sql.Append(parameters.Count == 0 ? "" : " AND ").Append(column.Name).Append(" = ").Append(Placeholder(parameters.Count));
                Parameter(factory, parameters, column, value);
            }

            return new Statement(sql.ToString(), parameters, ExpectOne: false);
        }

        private Column Column(string property) => _columns.Single(c => c.Property.Name == property);

        private string Placeholder(int index) => _sql.GenerateParameterNamePlaceholder(ParameterName(index));

        private static string ParameterName(int index) => "p" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

        private void Parameter(DbCommand factory, List<DbParameter> parameters, Column column, object? value) =>
            parameters.Add(column.Mapping.CreateParameter(factory, _sql.GenerateParameterName(ParameterName(parameters.Count)), value, column.Property.IsNullable, ParameterDirection.Input));
    }

    private sealed record Column(IProperty Property, string Name, RelationalTypeMapping Mapping, IClrPropertyGetter Getter, bool IsKey);
}
