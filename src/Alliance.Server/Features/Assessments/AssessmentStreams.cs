using Alliance.Contracts.Assessments;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Live;
using Alliance.Server.Infrastructure.Realtime;
using MassTransit;

namespace Alliance.Server.Features.Assessments;

/// <summary>Who may follow <c>assessment:{id}</c>: whoever may read the assessment (<see cref="AssessmentOperations.GetAsync"/>'s rule).</summary>
public sealed class AssessmentStreamKind(AssessmentOperations assessments) : IStreamKind
{
    public const string Kind = "assessment";

    public string Name => Kind;

    public Task<bool> CanReadAsync(AccessScope scope, Guid key, CancellationToken cancellationToken) => assessments.CanReadAsync(scope, key, cancellationToken);
}

/// <summary><see cref="AssessmentChanged"/> → <see cref="AssessmentChangedEvent"/> on the assessment's stream; a redelivered event appends nothing.</summary>
public sealed class AssessmentFeed(LiveFeed feed) : IConsumer<AssessmentChanged>
{
    public async Task Consume(ConsumeContext<AssessmentChanged> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var m = context.Message;
        await feed.PublishAsync(m.EventId,
            [(StreamId.For(AssessmentStreamKind.Kind, m.AssessmentId), new AssessmentChangedEvent(m.AssessmentId, m.Change, m.Status) { At = m.OccurredAt })],
            context.CancellationToken);
    }
}
