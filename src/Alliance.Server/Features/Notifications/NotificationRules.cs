using System.Text.Json;
using Alliance.Contracts.Items;
using Alliance.Contracts.Resources;
using Alliance.Contracts.Workflows;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Resources;
using Alliance.Server.Infrastructure.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Notifications;

/// <summary>
/// The rules (<see cref="NotificationTopics"/>), as a bus consumer of the events the features already publish: who is
/// told what. Recipients are the people holding matching role grants (<c>role_grants</c>) in the organisations concerned:
/// <list type="bullet">
/// <item>a task assigned or published (<see cref="TaskAssigned"/>): the people of the candidate organisations whose roles give the task's workflow role (a commitment's report task: commitment.report-due);</item>
/// <item>a reminder before a deadline (the route's <c>task.reminder</c>) and overdue (<see cref="ItemOverdue"/>): the person who claimed the task, else as for the task;</item>
/// <item>督办 (<see cref="ItemEscalated"/>): the street chair of the organisation it went to;</item>
/// <item>an urgent item (<see cref="ItemSubmitted"/> of kind urgent): every member unit's people and the host's chair, urgent;</item>
/// <item>a booking approved, declined or cancelled (<see cref="BookingConfirmed"/>, <see cref="BookingCancelled"/>): the requesting organisation's people; 平急转换 is urgent.</item>
/// </list>
/// </summary>
public sealed class NotificationRules(NotificationWriter writer, AllianceDbContext db) :
    IConsumer<TaskAssigned>, IConsumer<ItemOverdue>, IConsumer<ItemEscalated>, IConsumer<ItemSubmitted>,
    IConsumer<BookingConfirmed>, IConsumer<BookingCancelled>, IConsumer<WorkflowMessagePublished>
{
    public const string ConsumerName = "notification-rules";
    public const string ReminderMessage = "task.reminder";

    public async Task Consume(ConsumeContext<TaskAssigned> context)
    {
        var m = context.Message;
        var item = await ItemAsync(m.ItemId, context.CancellationToken);
        var task = await TaskAsync(m.TaskId, context.CancellationToken);
        var topic = item?.Kind == ItemKind.Commitment && m.Step.Contains("report", StringComparison.OrdinalIgnoreCase)
            ? NotificationTopics.CommitmentReportDue
            : NotificationTopics.TaskAssigned;
        await writer.WriteAsync(ConsumerName, m.EventId, ForTask(topic, m.AllianceId, m.ItemId, item?.Title, task, m.Organisations, m.Role, m.Title, m.Deadline, claimed: false),
            context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<ItemOverdue> context)
    {
        var m = context.Message;
        var item = await ItemAsync(m.ItemId, context.CancellationToken);
        var task = await TaskAsync(m.TaskId, context.CancellationToken);
        await writer.WriteAsync(ConsumerName, m.EventId,
            ForTask(NotificationTopics.ItemOverdue, m.AllianceId, m.ItemId, item?.Title, task, m.Organisations, task?.CandidateRole, task?.TitleZh ?? m.Step, m.Deadline, claimed: true),
            context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<WorkflowMessagePublished> context)
    {
        var m = context.Message;
        if (m.MessageType != ReminderMessage)
        {
            return;
        }

        using var payload = JsonDocument.Parse(m.PayloadJson);
        var taskId = payload.RootElement.TryGetProperty("taskId", out var property) ? property.GetString() : null;
        if (!Guid.TryParse(taskId, out var id) || await TaskAsync(id, context.CancellationToken) is not { } task)
        {
            return; // not an item's task (or a route without an item): nobody to tell
        }

        var item = await ItemAsync(task.ItemId.Value, context.CancellationToken);
        if (item is null)
        {
            return;
        }

        var deadline = task.DeadlineUtc is { } d ? new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)) : (DateTimeOffset?)null;
        await writer.WriteAsync(ConsumerName, m.EventId,
            ForTask(NotificationTopics.TaskReminder, item.AllianceId.Value, item.Id.Value, item.Title, task, [], task.CandidateRole, task.TitleZh ?? task.Step, deadline, claimed: true),
            context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<ItemEscalated> context)
    {
        var m = context.Message;
        if (m.To is not { } to)
        {
            return;
        }

        var item = await ItemAsync(m.ItemId, context.CancellationToken);
        await writer.WriteAsync(ConsumerName, m.EventId, new NotificationRequest(NotificationTopics.ItemEscalated, m.AllianceId, [to], m.ItemId,
            new Dictionary<string, string?> { ["item"] = item?.Title ?? m.ItemId.ToString("D"), ["reason"] = m.Reason }), context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<ItemSubmitted> context)
    {
        var m = context.Message;
        if (!string.Equals(m.Kind, nameof(ItemKind.Urgent), StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var alliance = new AllianceId(m.AllianceId);
        var host = await db.Alliances.AsNoTracking().Where(a => a.Id == alliance).Select(a => new { a.Name, a.HostOrganisationId }).SingleOrDefaultAsync(context.CancellationToken);
        var members = await db.AllianceMemberships.AsNoTracking()
            .Where(x => x.AllianceId == alliance && x.Status == MembershipStatus.Active)
            .Select(x => x.OrganisationId.Value).ToListAsync(context.CancellationToken);
        List<Guid> organisations = host is null ? members : [host.HostOrganisationId.Value, .. members];
        await writer.WriteAsync(ConsumerName, m.EventId, new NotificationRequest(NotificationTopics.UrgentItem, m.AllianceId, organisations, m.ItemId,
            new Dictionary<string, string?> { ["item"] = m.Title, ["alliance"] = host?.Name }), context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<BookingConfirmed> context)
    {
        var m = context.Message;
        await writer.WriteAsync(ConsumerName, m.EventId, await ForBookingAsync(NotificationTopics.BookingConfirmed, m, null, context.CancellationToken), context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<BookingCancelled> context)
    {
        var m = context.Message;
        if (m.Cause == "requester")
        {
            return; // the requester cancelled it: they know
        }

        var topic = m.Cause == "declined" ? NotificationTopics.BookingDeclined : NotificationTopics.BookingCancelled;
        var reason = m.Cause switch
        {
            "emergency" => $"平急转换 / switched to emergency use{(string.IsNullOrWhiteSpace(m.Reason) ? "" : ": " + m.Reason)}",
            "expired" => "未在使用前审批 / not decided before the slot began",
            _ => m.Reason,
        };
        var request = await ForBookingAsync(topic, m, reason, context.CancellationToken);
        await writer.WriteAsync(ConsumerName, m.EventId, request with { Urgent = m.Cause == "emergency" }, context.CancellationToken);
    }

    private async Task<NotificationRequest> ForBookingAsync(string topic, BookingEvent m, string? reason, CancellationToken cancellationToken)
    {
        var resource = new ResourceId(m.ResourceId);
        var name = await db.Set<Resource>().AsNoTracking().Where(r => r.Id == resource).Select(r => r.Name).SingleOrDefaultAsync(cancellationToken);
        return new NotificationRequest(topic, m.AllianceId, [m.RequesterId], m.BookingId, new Dictionary<string, string?>
        {
            ["resource"] = name ?? m.ResourceId.ToString("D"),
            ["start"] = NotificationTopics.Format(m.Start),
            ["reason"] = reason,
        });
    }

    /// <summary>
    /// A task's people: those of its holder (else its candidate organisations, else the organisations the event names) whose grants give the workflow role it is
    /// offered with; for a reminder or overdue notice only the person who claimed it, when someone did.
    /// </summary>
    private static NotificationRequest ForTask(
        string topic, Guid allianceId, Guid itemId, string? itemTitle, ItemTask? task, IReadOnlyList<Guid> concerned, string? role, string title,
        DateTimeOffset? deadline, bool claimed)
    {
        IReadOnlyCollection<Guid> organisations = task?.HolderOrganisationId is { } holder
            ? [holder.Value]
            : task?.Candidates().Select(c => c.Value).ToList() is { Count: > 0 } candidates ? candidates : concerned;
        var workflowRole = task?.CandidateRole ?? role;
        return new NotificationRequest(topic, allianceId, organisations, itemId, new Dictionary<string, string?>
        {
            ["item"] = itemTitle ?? title,
            ["title"] = title,
            // the step as people read it (its title), not its id
            ["step"] = task?.TitleZh ?? title,
            ["stepEn"] = task?.TitleEn ?? task?.TitleZh ?? title,
            ["deadline"] = NotificationTopics.Format(deadline),
        })
        {
            DefaultRoleFilter = workflowRole is null ? null : r => WorkflowRoles.Of(r).Contains(workflowRole, StringComparer.Ordinal),
            OnlyUser = claimed && Guid.TryParse(task?.ClaimedBy, out var user) ? user : null,
        };
    }

    private Task<Item?> ItemAsync(Guid itemId, CancellationToken cancellationToken)
    {
        var id = new ItemId(itemId);
        return db.Set<Item>().AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, cancellationToken);
    }

    private Task<ItemTask?> TaskAsync(Guid taskId, CancellationToken cancellationToken) =>
        db.Set<ItemTask>().AsNoTracking().SingleOrDefaultAsync(t => t.Id == taskId, cancellationToken);
}

/// <summary>Only route reminders reach the consumer among the workflow notifications; every other one is acknowledged and dropped.</summary>
public sealed class NotificationRulesDefinition : ConsumerDefinition<NotificationRules>
{
    public NotificationRulesDefinition() => ConcurrentMessageLimit = 16;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<NotificationRules> consumerConfigurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        ArgumentNullException.ThrowIfNull(consumerConfigurator);
        // Workflow notifications other than reminders are dropped, not moved to a _skipped queue (see VoteTallyFeedDefinition).
        endpointConfigurator.DiscardSkippedMessages();
        consumerConfigurator.Message<WorkflowMessagePublished>(m => m.UseContextFilter(c => Task.FromResult(c.Message.MessageType == NotificationRules.ReminderMessage)));
    }
}
