using System.Globalization;
using System.Text.Json.Nodes;
using Alliance.Contracts.Meetings;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Workflows;
using Alliance.Workflows.Runtime;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Meetings;

/// <summary>
/// A meeting's outcome continues the item's route: it completes exactly the route task the meeting settled
/// (<see cref="MeetingItemDecided.RouteTaskId"/>, the item's waiting <c>resolve</c> step) with the route's outcome and the
/// resolution, as the joint meeting of the alliance's host (role <c>joint-meeting</c>, which no person holds; and
/// <c>chair</c>, for version-2 deliberations still waiting at the chair's task). The item's projection commits with the
/// route's commit (<see cref="ItemSync"/>). At least once from the outbox, effective once: a task already completed (a
/// redelivery, or another node's delivery) is left alone, and a route that deferred the item waits at a new task that
/// this event does not name.
/// </summary>
public sealed class MeetingResolutionRelay(AllianceDbContext db, WorkflowRuntime runtime, ItemSync sync, ILogger<MeetingResolutionRelay> logger)
    : IConsumer<MeetingItemDecided>
{
    public async Task Consume(ConsumeContext<MeetingItemDecided> context)
    {
        var m = context.Message;
        var task = await db.Set<ItemTask>().AsNoTracking().SingleOrDefaultAsync(t => t.Id == m.RouteTaskId, context.CancellationToken);
        if (task is not { IsOpen: true })
        {
            logger.LogDebug("Meeting {MeetingId}: route task {TaskId} of item {ItemId} is already completed", m.MeetingId, m.RouteTaskId, m.ItemId);
            return;
        }

        var host = new OrganisationId(m.HostOrganisationId);
        var actor = new Actor($"meeting:{m.MeetingId:D}", [MeetingOperations.MeetingRole, WorkflowRoles.Chair], host.ToString());
        var fields = Fields(task, m);
        try
        {
            await sync.ActAsync(new ItemCommand
            {
                ItemId = new ItemId(m.ItemId),
                Name = "meeting.decided",
                Actor = actor.Id,
                OnBehalfOf = host,
                Always = true,
                Task = new TaskChange(task.Id) { Holder = host, Outcome = m.RouteOutcome, CompletedBy = actor.Id, Comment = m.Resolution },
            }, commit => runtime.CompleteAsync(new BookmarkId(task.Id), actor, m.RouteOutcome, m.Resolution, fields, commit, context.CancellationToken), context.CancellationToken);
        }
        catch (WorkflowConflictException)
        {
            if (await StillOpenAsync(task.Id, context.CancellationToken))
            {
                throw;
            }

            // completed by another delivery meanwhile: the effect happened once
        }
    }

    /// <summary>The resolution's fields the route task has: the text, and for a joint task its lead unit and due date.</summary>
    private static JsonObject Fields(ItemTask task, MeetingItemDecided m)
    {
        var names = task.Fields.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var fields = new JsonObject();
        if (m.Resolution is not null && names.Contains("resolution"))
        {
            fields["resolution"] = m.Resolution;
        }

        if (m.LeadUnitId is { } lead && names.Contains("unitId"))
        {
            fields["unitId"] = lead.ToString();
            if (names.Contains("startJointTask"))
            {
                fields["startJointTask"] = true;
            }

            if (m.DueDate is { } due && names.Contains("dueDate"))
            {
                fields["dueDate"] = due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            }
        }

        return fields;
    }

    private async Task<bool> StillOpenAsync(Guid taskId, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        return await db.Set<ItemTask>().AsNoTracking().AnyAsync(t => t.Id == taskId && t.ClosedUtc == null, cancellationToken);
    }
}
