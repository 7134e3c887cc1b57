using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.Reports;
using Alliance.Server.Infrastructure.Problems;

namespace Alliance.Server.Features.Ledger;

/// <summary>
/// What a ledger shows: one <see cref="Section"/> (items, commitments, bookings, meetings, supervision), narrowed to an
/// alliance or an organisation (community or unit), a period of China dates (<see cref="From"/>/<see cref="To"/>, both
/// included), a status, a kind (rule of procedure, category, meeting kind) and overdue only. Each section says which
/// date the period applies to and what "kind" and "overdue" mean for it (docs/ledgers.md).
/// </summary>
public sealed record LedgerFilter(
    string Section,
    AllianceId? Alliance = null,
    OrganisationId? Organisation = null,
    DateOnly? From = null,
    DateOnly? To = null,
    string? Status = null,
    string? Kind = null,
    bool Overdue = false)
{
    /// <summary>The first moment of <see cref="From"/> in China time, as UTC.</summary>
    public DateTime? FromUtc() => From is { } f ? TimeZoneInfo.ConvertTimeToUtc(f.ToDateTime(TimeOnly.MinValue), ReportMonth.ChinaTime) : null;

    /// <summary>The first moment after <see cref="To"/> in China time, as UTC (exclusive bound).</summary>
    public DateTime? UntilUtc() => To is { } t ? TimeZoneInfo.ConvertTimeToUtc(t.AddDays(1).ToDateTime(TimeOnly.MinValue), ReportMonth.ChinaTime) : null;

    /// <summary>400 with the fields in error: an unknown section, a period backwards or longer than ten years, a status or kind the section does not have.</summary>
    public LedgerFilter Validated()
    {
        var errors = new FieldErrors();
        var section = LedgerSections.Find(Section);
        if (section is null)
        {
            errors.Add("section", $"台账类别应为 {string.Join("、", LedgerSections.All.Select(s => s.Key))} 之一。",
                $"'section' must be one of {string.Join(", ", LedgerSections.All.Select(s => s.Key))}.");
        }

        if (From is { } f && To is { } t && f > t)
        {
            errors.Add("from", "开始日期不能晚于结束日期。", "'from' cannot be after 'to'.");
        }
        else if (From is { } a && To is { } b && b.DayNumber - a.DayNumber > 3660)
        {
            errors.Add("to", "一次最多查询十年。", "A ledger covers ten years at most.");
        }

        // without a known section, a status or kind is checked against every section's
        var statuses = section?.Statuses ?? [.. LedgerSections.All.SelectMany(s => s.Statuses).Distinct()];
        if (Status is { Length: > 0 } status && !statuses.Contains(status))
        {
            errors.Add("status", $"此台账的状态应为 {string.Join("、", statuses)} 之一。", $"'status' must be one of {string.Join(", ", statuses)} for this ledger.");
        }

        var kinds = section?.Kinds ?? [.. LedgerSections.All.SelectMany(s => s.Kinds).Distinct()];
        if (Kind is { Length: > 0 } kind && !kinds.Contains(kind))
        {
            errors.Add("kind", kinds.Count == 0 ? "此台账不按类型筛选。" : $"此台账的类型应为 {string.Join("、", kinds)} 之一。",
                kinds.Count == 0 ? "This ledger has no kinds to filter by." : $"'kind' must be one of {string.Join(", ", kinds)} for this ledger.");
        }

        errors.ThrowIfAny();
        return this with { Section = section!.Key, Status = Status is { Length: > 0 } ? Status : null, Kind = Kind is { Length: > 0 } ? Kind : null };
    }
}
