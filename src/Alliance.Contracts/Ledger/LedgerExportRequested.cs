namespace Alliance.Contracts.Ledger;

/// <summary>
/// A person asked for a ledger export (written in the same transaction as the export's row). One node's consumer
/// claims the export and writes the .xlsx; a redelivered message finds it claimed or finished and writes nothing twice.
/// </summary>
public sealed record LedgerExportRequested(Guid ExportId, Guid UserId) : IntegrationEvent;
