using System.Text.Json;
using Alliance.Contracts.Workflows;
using Alliance.Server.Features.Items;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Realtime;
using Alliance.Workflows.Activities;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Live;

/// <summary>
/// A route's <c>Vote</c> announces its tally in the runtime's outbox (<see cref="Vote.TalliedMessage"/>: when it opens,
/// after each ballot, when it closes), in the same commit as the ballot. This feeds each one to the stream of the item
/// whose route it is, as <see cref="VoteTallyEvent"/>, once per outbox row (the row id is the source event id).
/// A workflow that is no item's route has no stream: its tallies are dropped.
/// </summary>
public sealed class VoteTallyFeed(LiveFeed feed, IDbContextFactory<AllianceDbContext> contexts) : IConsumer<WorkflowMessagePublished>
{
    public async Task Consume(ConsumeContext<WorkflowMessagePublished> context)
    {
        var m = context.Message;
        if (m.MessageType != Vote.TalliedMessage)
        {
            return;
        }

        await using var db = await contexts.CreateDbContextAsync(context.CancellationToken);
        var item = await db.Set<Item>().AsNoTracking().Where(i => i.WorkflowInstanceId == m.InstanceId).Select(i => (Guid?)i.Id.Value)
            .FirstOrDefaultAsync(context.CancellationToken);
        if (item is not { } itemId)
        {
            return;
        }

        var t = JsonSerializer.Deserialize<Tally>(m.PayloadJson, JsonSerializerOptions.Web)!;
        var tally = new VoteTallyEvent(Guid.ParseExact(t.VoteId, "N"), itemId, t.Yes, t.No, t.Abstain, t.Eligible, t.Open)
        {
            At = m.OccurredAt,
            Cast = t.Cast,
            QuorumReached = t.QuorumReached,
            Outcome = t.Open ? null : t.Outcome,
        };
        await feed.PublishAsync(m.EventId, [(StreamId.For(StreamId.Item, itemId), tally)], context.CancellationToken);
    }

    private sealed record Tally(string VoteId, int Eligible, int Yes, int No, int Abstain, int Cast, bool QuorumReached, string Outcome, bool Open);
}

/// <summary>
/// Tallies of one instance are fed one at a time, in the order the workflow outbox publishes them; other workflow
/// notifications are acknowledged and dropped before they reach a partition or the consumer.
/// </summary>
public sealed class VoteTallyFeedDefinition : ConsumerDefinition<VoteTallyFeed>
{
    public VoteTallyFeedDefinition() => ConcurrentMessageLimit = LiveFeedEndpoint.Concurrency;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<VoteTallyFeed> consumerConfigurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        ArgumentNullException.ThrowIfNull(consumerConfigurator);
        LiveFeedEndpoint.Configure(endpointConfigurator);
        // The notifications filtered out are dropped, not moved to a _skipped queue: that queue would grow by every
        // workflow notification, and each move is a confirmed send that, after a broker restart, held the endpoint back.
        endpointConfigurator.DiscardSkippedMessages();
        var byInstance = endpointConfigurator.CreatePartitioner(LiveFeedEndpoint.Concurrency);
        consumerConfigurator.Message<WorkflowMessagePublished>(m =>
        {
            // Every workflow notification reaches this queue; only the tallies go on to a partition and a consumer
            // (no scope, no consumer, no partition slot for the others).
            m.UseContextFilter(c => Task.FromResult(c.Message.MessageType == Vote.TalliedMessage));
            m.UsePartitioner(byInstance, c => c.Message.InstanceId);
        });
    }
}
