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
/// Statements go in one round trip where the provider supports ADO.NET batches (PostgreSQL), else one by one
/// (SQLite, in process). Every update and delete must touch exactly one row: a stale <see cref="WorkflowInstance.Version"/>,
/// an already-removed bookmark or pending stimulus aborts the transaction, as does a duplicate key (the inbox).
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

    /// <summary>Writes the commit in the open transaction; false when a row to update or delete was not there (a concurrent change).</summary>
    public async Task<bool> WriteAsync(DbConnection connection, DbTransaction transaction, WorkflowCommit commit, CancellationToken cancellationToken)
    {
        using var factory = connection.CreateCommand();
        var statements = new List<Statement>();
        foreach (var write in commit.Instances)
        {
            if (write.ExpectedVersion is { } expected)
            {
                statements.Add(_instances.Update(factory, write.Instance, expected));
            }
        }

        _instances.Insert(factory, statements, commit.Instances.Where(w => w.ExpectedVersion is null).Select(w => w.Instance).ToList());
        foreach (var id in commit.RemovedBookmarks)
        {
            statements.Add(_bookmarks.Delete(factory, id));
        }

        foreach (var bookmark in commit.UpdatedBookmarks)
        {
            statements.Add(_bookmarks.Update(factory, bookmark, null));
        }

        _bookmarks.Insert(factory, statements, commit.AddedBookmarks);
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
        if (statements.Count == 0)
        {
            return true;
        }

        if (connection.CanCreateBatch)
        {
            await using var batch = connection.CreateBatch();
            batch.Transaction = transaction;
            foreach (var statement in statements)
            {
                var command = batch.CreateBatchCommand();
                command.CommandText = statement.Sql;
                foreach (var parameter in statement.Parameters)
                {
                    command.Parameters.Add(parameter);
                }

                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
            for (var i = 0; i < statements.Count; i++)
            {
                if (statements[i].ExpectOne && batch.BatchCommands[i].RecordsAffected != 1)
                {
                    return false;
                }
            }

            return true;
        }

        foreach (var statement in statements)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = statement.Sql;
            foreach (var parameter in statement.Parameters)
            {
                command.Parameters.Add(parameter);
            }

            var rows = await command.ExecuteNonQueryAsync(cancellationToken);
            if (statement.ExpectOne && rows != 1)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Keys the runtime left empty get a new one, as EF's client-side generation would.</summary>
    private static IReadOnlyList<T> EnsureIds<T>(IReadOnlyList<T> rows, Func<T, Guid> get, Action<T, Guid> set)
    {
        foreach (var row in rows)
        {
            if (get(row) == Guid.Empty)
            {
                set(row, Guid.NewGuid());
            }
        }

        return rows;
    }

    private sealed record Statement(string Sql, List<DbParameter> Parameters, bool ExpectOne);

    /// <summary>One mapped table: its columns, their type mappings and getters, and the SQL fragments built from them.</summary>
    private sealed class Table
    {
        private readonly Column[] _columns;
        private readonly Column[] _keys;
        private readonly Column[] _values;
        private readonly Column[] _tokens;
        private readonly string _name;
        private readonly string _insertPrefix;
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
        }

        public void Insert<T>(DbCommand factory, List<Statement> statements, IReadOnlyList<T> rows)
            where T : class
        {
            var perStatement = Math.Max(1, MaxParametersPerStatement / _columns.Length);
            for (var start = 0; start < rows.Count; start += perStatement)
            {
                var sql = new StringBuilder(_insertPrefix);
                var parameters = new List<DbParameter>();
                for (var r = start; r < Math.Min(rows.Count, start + perStatement); r++)
                {
                    sql.Append(r == start ? "(" : ", (");
                    for (var c = 0; c < _columns.Length; c++)
                    {
                        if (c > 0)
                        {
                            sql.Append(", ");
                        }

                        sql.Append(Parameter(factory, parameters, _columns[c], _columns[c].Getter.GetClrValueUsingContainingEntity(rows[r])));
                    }

                    sql.Append(')');
                }

                statements.Add(new Statement(sql.ToString(), parameters, ExpectOne: false));
            }
        }

        /// <summary>Updates every column of the row; with <paramref name="expectedToken"/>, only if the concurrency token still has that value.</summary>
        public Statement Update(DbCommand factory, object row, object? expectedToken)
        {
            var sql = new StringBuilder("UPDATE ").Append(_name).Append(" SET ");
            var parameters = new List<DbParameter>();
            for (var c = 0; c < _values.Length; c++)
            {
                sql.Append(c == 0 ? "" : ", ").Append(_values[c].Name).Append(" = ")
                    .Append(Parameter(factory, parameters, _values[c], _values[c].Getter.GetClrValueUsingContainingEntity(row)));
            }

            sql.Append(" WHERE ");
            for (var k = 0; k < _keys.Length; k++)
            {
                sql.Append(k == 0 ? "" : " AND ").Append(_keys[k].Name).Append(" = ")
                    .Append(Parameter(factory, parameters, _keys[k], _keys[k].Getter.GetClrValueUsingContainingEntity(row)));
            }

            if (expectedToken is not null)
            {
                foreach (var token in _tokens)
                {
                    sql.Append(" AND ").Append(token.Name).Append(" = ").Append(Parameter(factory, parameters, token, expectedToken));
                }
            }

            return new Statement(sql.ToString(), parameters, ExpectOne: true);
        }

        /// <summary>Deletes the row with this (single-column) key.</summary>
        public Statement Delete(DbCommand factory, object key)
        {
            var parameters = new List<DbParameter>();
            var sql = $"DELETE FROM {_name} WHERE {_keys[0].Name} = {Parameter(factory, parameters, _keys[0], key)}";
            return new Statement(sql, parameters, ExpectOne: true);
        }

        private string Parameter(DbCommand factory, List<DbParameter> parameters, Column column, object? value)
        {
            var name = "p" + parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            parameters.Add(column.Mapping.CreateParameter(factory, _sql.GenerateParameterName(name), value, column.Property.IsNullable, ParameterDirection.Input));
            return _sql.GenerateParameterNamePlaceholder(name);
        }
    }

    private sealed record Column(IProperty Property, string Name, RelationalTypeMapping Mapping, IClrPropertyGetter Getter, bool IsKey);
}
