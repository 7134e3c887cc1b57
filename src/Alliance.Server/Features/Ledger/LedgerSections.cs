namespace Alliance.Server.Features.Ledger;

/// <summary>The ledger's parts, in the order the page and the API list them.</summary>
public static class LedgerSections
{
    public static IReadOnlyList<LedgerSection> All { get; } =
        [new ItemLedger(), new CommitmentLedger(), new BookingLedger(), new MeetingLedger(), new SupervisionLedger()];

    public static LedgerSection? Find(string? key) => All.FirstOrDefault(s => s.Key == key);
}
