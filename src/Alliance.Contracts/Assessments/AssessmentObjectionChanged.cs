namespace Alliance.Contracts.Assessments;

/// <summary>
/// An objection to a year-end score (年度考核) was raised (<c>Status</c> "open") or ruled on ("upheld" with the points
/// added, or "rejected"), written in the commit that changed it. A raised objection tells the street that rules on it
/// (notification rule <c>assessment.objection</c>); a ruling tells the objecting community or unit
/// (<c>assessment.ruling</c>). A redelivered event tells nobody twice.
/// </summary>
public sealed record AssessmentObjectionChanged(
    Guid AssessmentId, Guid AllianceId, string Title, Guid ObjectionId, Guid OrganisationId, string Organisation, Guid StreetId,
    string Status, string? Criterion, string Reason, double Adjustment, string? Ruling) : IntegrationEvent;
