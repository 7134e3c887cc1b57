namespace Alliance.Contracts.Meetings;

/// <summary>
/// A joint meeting settled an item: the item's route continues from exactly <paramref name="RouteTaskId"/> (its waiting
/// step, completed once) with <paramref name="RouteOutcome"/> (<c>resolve</c>, <c>passed</c>, <c>failed</c>, <c>defer</c>,
/// <c>escalate</c>), the resolution, and for a joint task its lead unit and due date.
/// </summary>
public sealed record MeetingItemDecided(
    Guid MeetingId, Guid PointId, Guid ItemId, Guid RouteTaskId, Guid HostOrganisationId, string RouteOutcome, string? Resolution) : IntegrationEvent
{
    public Guid? LeadUnitId { get; init; }

    public DateOnly? DueDate { get; init; }
}
