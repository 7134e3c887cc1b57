namespace Alliance.Contracts.Ledger;

/// <summary>
/// A ledger export moved on: <see cref="Status"/> is running, ready or failed, with the rows written of the total.
/// Written with the export's row; the live feed pushes it on the person's own stream (<c>person:{userId}</c>).
/// </summary>
public sealed record LedgerExportProgressed(Guid ExportId, Guid UserId, string Status, long Rows, long Total) : IntegrationEvent;
