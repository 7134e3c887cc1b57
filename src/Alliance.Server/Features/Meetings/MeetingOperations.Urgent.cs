using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Items;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Meetings;

/// <summary>
/// 急事共商: the chair of an urgent item may open an online meeting on it within hours (<c>urgentItemId</c>, kind
/// <c>online</c>): its only point is the item, to be heard and recorded; the agenda is fixed at once, so the notice goes
/// out at once. The urgent route goes on by its own steps (the chair's decision); the meeting's minutes record the
/// consultation.
/// </summary>
public sealed partial class MeetingOperations
{
    /// <summary>How soon an urgent item's online meeting must start.</summary>
    public static readonly TimeSpan UrgentMeetingWithin = TimeSpan.FromHours(24);

    private async Task<Item?> UrgentItemAsync(FieldErrors errors, ScheduleMeetingRequest request, PartyAlliance? alliance, CancellationToken cancellationToken)
    {
        if (request.UrgentItemId is not { } id || alliance is null)
        {
            return null;
        }

        var item = await db.Set<Item>().AsNoTracking().SingleOrDefaultAsync(i => i.Id == id && i.AllianceId == alliance.Id, cancellationToken);
        if (item is not { Kind: ItemKind.Urgent } || item.IsClosed)
        {
            errors.Add("urgentItemId", "须为本联盟未办结的急事共商事项。", "It must be an open urgent item of this alliance.");
        }

        if (request.Kind is { } kind && kind != MeetingKind.Online)
        {
            errors.Add("kind", "急事共商召开线上会商会议（online）。", "An urgent item is consulted at an online meeting (online).");
        }

        if (request.StartsAt is { } starts && starts > time.GetUtcNow() + UrgentMeetingWithin)
        {
            errors.Add("startsAt", "急事会商须在 24 小时内召开。", "An urgent consultation must start within 24 hours.");
        }

        return item;
    }

    /// <summary>The urgent item as the meeting's only point, to be heard and recorded; the agenda is fixed at once.</summary>
    private void AddConsultationPoint(Meeting meeting, Item urgent)
    {
        meeting.Agenda.Add(new AgendaPoint
        {
            Id = Guid.CreateVersion7(),
            MeetingId = meeting.Id,
            Order = 1,
            Kind = AgendaPointKind.Consultation,
            ItemId = urgent.Id,
            Title = urgent.Title,
            Category = urgent.Category,
            Summary = urgent.Description,
        });
        meeting.Status = MeetingStatus.AgendaFixed;
        meeting.AgendaFixedUtc = time.GetUtcNow().UtcDateTime;
    }
}
