namespace Alliance.Contracts.Assessments;

/// <summary>
/// A year-end assessment (年度考核) changed: computed again, published, objected to, ruled on, submitted, approved or
/// returned (<c>Change</c>, the audit action without its <c>assessment.</c> prefix; <c>Status</c> after it). Written in
/// the commit that changed it; the live feed puts it on the assessment's stream (<c>assessment:{id}</c>), which its
/// open pages follow. It tells no one: the notices have their own events.
/// </summary>
public sealed record AssessmentChanged(Guid AssessmentId, string Change, string Status) : IntegrationEvent;
