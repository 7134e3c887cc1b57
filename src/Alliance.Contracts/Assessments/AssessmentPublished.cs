namespace Alliance.Contracts.Assessments;

/// <summary>
/// The street chair published a year-end assessment (年度考核), written in the commit that published it. The people of
/// each scored community and unit are told to read their score and that they may object until the deadline
/// (notification rule <c>assessment.published</c>); a redelivered event tells nobody twice.
/// </summary>
public sealed record AssessmentPublished(Guid AssessmentId, Guid AllianceId, string Title, int Year, DateTime ObjectionDeadlineUtc, IReadOnlyList<Guid> Organisations) : IntegrationEvent;
