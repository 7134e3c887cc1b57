using System.Globalization;
using Alliance.Contracts.Assessments;
using Alliance.Server.Features.Notifications;
using Alliance.Server.Features.Reports;
using MassTransit;

namespace Alliance.Server.Features.Assessments;

/// <summary>A published assessment in the notification centre (rule <c>assessment.published</c>, on by default): every person of the scored communities and units. Exactly once per event.</summary>
public sealed class AssessmentNotices(NotificationWriter writer) : IConsumer<AssessmentPublished>
{
    public const string ConsumerName = "assessment-notices";

    public Task Consume(ConsumeContext<AssessmentPublished> context)
    {
        var m = context.Message;
        return writer.WriteAsync(ConsumerName, m.EventId, new NotificationRequest(
            NotificationTopics.AssessmentPublished, m.AllianceId, m.Organisations, m.AssessmentId, new Dictionary<string, string?>
            {
                ["title"] = m.Title,
                ["deadline"] = TimeZoneInfo.ConvertTimeFromUtc(m.ObjectionDeadlineUtc, ReportMonth.ChinaTime).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                ["link"] = $"/reports/assessments/{m.AssessmentId:D}",
            }), context.CancellationToken);
    }
}
