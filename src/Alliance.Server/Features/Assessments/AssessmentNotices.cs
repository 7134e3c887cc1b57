using System.Globalization;
using Alliance.Contracts.Assessments;
using Alliance.Server.Features.Notifications;
using Alliance.Server.Features.Ui;
using MassTransit;

namespace Alliance.Server.Features.Assessments;

/// <summary>
/// The year-end assessment in the notification centre, exactly once per event: a published one to every person of the
/// scored communities and units (rule <c>assessment.published</c>); a raised objection to the people of the street
/// that rules on it (<c>assessment.objection</c>); a ruling to the people of the objecting organisation (<c>assessment.ruling</c>).
/// </summary>
public sealed class AssessmentNotices(NotificationWriter writer) : IConsumer<AssessmentPublished>, IConsumer<AssessmentObjectionChanged>
{
    public const string ConsumerName = "assessment-notices";

    public Task Consume(ConsumeContext<AssessmentPublished> context)
    {
        var m = context.Message;
        return writer.WriteAsync(ConsumerName, m.EventId, new NotificationRequest(
            NotificationTopics.AssessmentPublished, m.AllianceId, m.Organisations, m.AssessmentId, new Dictionary<string, string?>
            {
                ["title"] = m.Title,
                ["deadline"] = UiText.Time(m.ObjectionDeadlineUtc),
                ["link"] = $"/reports/assessments/{m.AssessmentId:D}",
            }), context.CancellationToken);
    }

    public Task Consume(ConsumeContext<AssessmentObjectionChanged> context)
    {
        var m = context.Message;
        var link = $"/reports/assessments/{m.AssessmentId:D}";
        if (m.Status == AssessmentObjection.Open)
        {
            var (criterion, criterionEn) = m.Criterion is { } c ? AssessmentCriteria.Name(c) : ("总分", "the total");
            return writer.WriteAsync(ConsumerName, m.EventId, new NotificationRequest(
                NotificationTopics.AssessmentObjection, m.AllianceId, [m.StreetId], m.AssessmentId, new Dictionary<string, string?>
                {
                    ["title"] = m.Title, ["organisation"] = m.Organisation, ["criterion"] = criterion, ["criterionEn"] = criterionEn,
                    ["reason"] = m.Reason, ["link"] = link,
                }), context.CancellationToken);
        }

        var upheld = m.Status == AssessmentObjection.Upheld;
        var points = m.Adjustment.ToString("0.#", CultureInfo.InvariantCulture);
        return writer.WriteAsync(ConsumerName, m.EventId, new NotificationRequest(
            NotificationTopics.AssessmentRuling, m.AllianceId, [m.OrganisationId], m.AssessmentId, new Dictionary<string, string?>
            {
                ["title"] = m.Title, ["ruling"] = m.Ruling, ["link"] = link,
                ["outcome"] = upheld ? $"已获支持，加 {points} 分" : "未获支持",
                ["outcomeEn"] = upheld ? $"upheld, {points} points added" : "rejected",
            }), context.CancellationToken);
    }
}
