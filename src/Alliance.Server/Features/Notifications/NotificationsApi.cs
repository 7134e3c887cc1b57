using Alliance.Server.Features.Access;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Notifications;

/// <summary>
/// The notification centre (each person's own notifications: nobody reads another person's, 404), the delivery log,
/// the dead-letter list (district administrator), and the settings: a person's channels and quiet hours, an
/// organisation's group robots, an alliance's rules.
/// </summary>
public static class NotificationsApi
{
    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/notifications").WithTags("Notifications").RequireAuthorization();
        api.MapGet("/", List).WithName("ListNotifications").WithSummary("My notifications, newest first, paged / 我的通知");
        api.MapGet("/unread-count", UnreadCount).WithName("UnreadNotificationCount").WithSummary("My unread count / 未读数");
        api.MapPost("/{id:guid}/read", Read).WithName("ReadNotification").WithSummary("Mark one of my notifications read / 标为已读");
        api.MapPost("/read-all", ReadAll).WithName("ReadAllNotifications").WithSummary("Mark all my notifications read / 全部已读");
        api.MapGet("/{id:guid}/deliveries", Deliveries).WithName("NotificationDeliveries").WithSummary("Delivery log of one of my notifications / 投递记录");
        api.MapGet("/settings", GetSettings).WithName("GetNotificationSettings").WithSummary("My channels, quiet hours, digest / 我的通知设置");
        api.MapPut("/settings", PutSettings).WithName("PutNotificationSettings").WithSummary("Change my notification settings / 修改通知设置");
        api.MapGet("/channels/{organisationId:guid}", GetChannels).WithName("GetOrganisationChannels").WithSummary("An organisation's group robots, masked / 群机器人配置");
        api.MapPut("/channels/{organisationId:guid}", PutChannels).WithName("PutOrganisationChannels").WithSummary("Set an organisation's group robots / 配置群机器人");
        api.MapGet("/rules/{allianceId:guid}", GetRules).WithName("GetNotificationRules").WithSummary("An alliance's notification rules / 联盟通知规则");
        api.MapPut("/rules/{allianceId:guid}/{topic}", PutRule).WithName("PutNotificationRule").WithSummary("Set one notification rule of an alliance / 修改通知规则");
        api.MapGet("/dead-letters", DeadLetters).WithName("NotificationDeadLetters").WithSummary("Deliveries that kept failing (district admin) / 投递失败清单");
        api.MapPost("/dead-letters/{id:guid}/replay", Replay).WithName("ReplayNotificationDelivery").WithSummary("Try a dead-lettered delivery again (district admin) / 重新投递");
        return app;
    }

    public sealed record NotificationView(
        Guid Id, string Topic, bool Urgent, string TitleZh, string TitleEn, string BodyZh, string BodyEn, Guid? AllianceId, Guid? OrganisationId,
        Guid? SubjectId, DateTime CreatedUtc, DateTime? ReadUtc)
    {
        public static NotificationView From(Notification n) =>
            new(n.Id, n.Topic, n.Urgent, n.TitleZh, n.TitleEn, n.BodyZh, n.BodyEn, n.AllianceId, n.OrganisationId, n.SubjectId, n.CreatedUtc, n.ReadUtc);
    }

    public sealed record NotificationPage(IReadOnlyList<NotificationView> Items, int Total, int Unread, int Page, int PageSize);

    public sealed record UnreadCountResponse(int Unread);

    public sealed record ReadAllResponse(int Read, int Unread);

    public sealed record AttemptView(int Number, DateTime AtUtc, bool Succeeded, string? Error);

    public sealed record DeliveryView(
        Guid Id, NotificationChannel Channel, DeliveryState State, int Attempts, DateTime NextAttemptUtc, DateTime? SentUtc, string? LastError,
        IReadOnlyList<AttemptView> Log);

    public sealed record DeadLetterView(Guid DeliveryId, Guid NotificationId, Guid UserId, string Topic, string TitleZh, NotificationChannel Channel, int Attempts,
        string? LastError, DateTime CreatedUtc);

    public static async Task<Ok<NotificationPage>> List(AccessScope scope, AllianceDbContext db, bool? unread, int? page, int? pageSize, CancellationToken cancellationToken) =>
        TypedResults.Ok(await NotificationInbox.ListAsync(scope, db, unread == true, page, pageSize, cancellationToken));

    public static async Task<Ok<UnreadCountResponse>> UnreadCount(AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(new UnreadCountResponse(await NotificationInbox.UnreadAsync(scope, db, cancellationToken)));

    public static async Task<Ok<NotificationView>> Read(Guid id, AccessScope scope, AllianceDbContext db, TimeProvider time, CancellationToken cancellationToken) =>
        TypedResults.Ok(await NotificationInbox.ReadAsync(scope, db, time, id, cancellationToken));

    public static async Task<Ok<ReadAllResponse>> ReadAll(AccessScope scope, AllianceDbContext db, TimeProvider time, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ReadAllResponse(await NotificationInbox.ReadAllAsync(scope, db, time, cancellationToken), 0));

    public static async Task<Ok<IReadOnlyList<DeliveryView>>> Deliveries(Guid id, AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken)
    {
        var notification = await NotificationInbox.OwnAsync(db, scope, id, cancellationToken);
        return TypedResults.Ok(await DeliveryLogAsync(db, notification.Id, cancellationToken));
    }

    internal static async Task<IReadOnlyList<DeliveryView>> DeliveryLogAsync(AllianceDbContext db, Guid notificationId, CancellationToken cancellationToken)
    {
        var deliveries = await db.Set<NotificationDelivery>().AsNoTracking().Where(d => d.NotificationId == notificationId).ToListAsync(cancellationToken);
        var ids = deliveries.Select(d => d.Id).ToList();
        var attempts = (await db.Set<NotificationAttempt>().AsNoTracking().Where(a => ids.Contains(a.DeliveryId)).ToListAsync(cancellationToken))
            .ToLookup(a => a.DeliveryId);
        return [.. deliveries.OrderBy(d => d.Channel).Select(d => new DeliveryView(d.Id, d.Channel, d.State, d.Attempts, d.NextAttemptUtc, d.SentUtc, d.LastError,
            [.. attempts[d.Id].OrderBy(a => a.Number).Select(a => new AttemptView(a.Number, a.AtUtc, a.Succeeded, a.Error))]))];
    }

    public static async Task<Ok<IReadOnlyList<DeadLetterView>>> DeadLetters(AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await DeadLetterOperations.ListAsync(scope, db, cancellationToken));

    public static async Task<Ok<DeliveryView>> Replay(Guid id, AccessScope scope, AllianceDbContext db, NotificationOptions options, TimeProvider time, CancellationToken cancellationToken) =>
        TypedResults.Ok(await DeadLetterOperations.ReplayAsync(scope, db, options, time, id, cancellationToken));

    // ---- a person's settings ----

    public sealed record SettingsBody(
        IReadOnlyList<NotificationChannel>? Channels, string? Email, string? Mobile, string? QuietStart, string? QuietEnd, bool? Digest, string? Language);

    public sealed record SettingsView(
        IReadOnlyList<NotificationChannel> Channels, IReadOnlyList<NotificationChannel> Available, string? Email, string? Mobile, string QuietStart, string QuietEnd,
        bool Digest, string Language)
    {
        public static SettingsView From(PersonNotificationSettings s, NotificationOptions options) =>
            new([NotificationChannel.InApp, .. s.Channels.Where(c => c != NotificationChannel.InApp)], [.. options.Channels.Order()], s.Email, s.Mobile,
                s.QuietStart.ToString("HH:mm", global::System.Globalization.CultureInfo.InvariantCulture), s.QuietEnd.ToString("HH:mm", global::System.Globalization.CultureInfo.InvariantCulture),
                s.Digest, s.Language);
    }

    public static async Task<Ok<SettingsView>> GetSettings(AccessScope scope, AllianceDbContext db, NotificationOptions options, CancellationToken cancellationToken) =>
        TypedResults.Ok(await PersonSettingsOperations.GetAsync(scope, db, options, cancellationToken));

    public static async Task<Ok<SettingsView>> PutSettings(SettingsBody body, AccessScope scope, AllianceDbContext db, NotificationOptions options, CancellationToken cancellationToken) =>
        TypedResults.Ok(await PersonSettingsOperations.SaveAsync(scope, db, options, body, cancellationToken));

    // ---- an organisation's group robots ----

    public sealed record ChannelsBody(string? WeComWebhook, string? DingTalkWebhook, string? DingTalkSecret);

    public sealed record ChannelsView(Guid OrganisationId, string? WeComWebhook, string? DingTalkWebhook, string? DingTalkSecret, DateTimeOffset? UpdatedAt);

    public static async Task<Ok<ChannelsView>> GetChannels(Guid organisationId, AccessScope scope, AllianceDbContext db, ChannelSecrets secrets, CancellationToken cancellationToken) =>
        TypedResults.Ok(await OrganisationChannelOperations.GetAsync(scope, db, secrets, organisationId, cancellationToken));

    /// <summary>Sets the robots (<see cref="OrganisationChannelOperations.SaveAsync"/>): null keeps a field, an empty string removes it.</summary>
    public static async Task<Ok<ChannelsView>> PutChannels(
        Guid organisationId, ChannelsBody body, AccessScope scope, AllianceDbContext db, ChannelSecrets secrets, TimeProvider time, CancellationToken cancellationToken) =>
        TypedResults.Ok(await OrganisationChannelOperations.SaveAsync(scope, db, secrets, time, organisationId, body, cancellationToken));

    // ---- an alliance's rules ----

    public sealed record RuleBody(bool? Enabled, IReadOnlyList<People.AllianceRole>? Roles);

    public sealed record RuleView(string Topic, bool Enabled, bool Urgent, IReadOnlyList<People.AllianceRole> Roles, bool IsDefault);

    public static async Task<Ok<IReadOnlyList<RuleView>>> GetRules(Guid allianceId, AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await NotificationRuleOperations.ListAsync(scope, db, allianceId, cancellationToken));

    public static async Task<Ok<RuleView>> PutRule(
        Guid allianceId, string topic, RuleBody body, AccessScope scope, AllianceDbContext db, TimeProvider time, CancellationToken cancellationToken) =>
        TypedResults.Ok(await NotificationRuleOperations.SaveAsync(scope, db, time, allianceId, topic, body, cancellationToken));
}
