using System.Text.Json.Nodes;
using Alliance.Workflows.Model;
using Alliance.Workflows.Persistence;

namespace Alliance.Workflows.Runtime;

/// <summary>Stimuli: delivery by type and correlation key, inbox, early-stimulus queue and dead letters.</summary>
public sealed partial class WorkflowRuntime
{
    /// <summary>
    /// Delivers a stimulus to every bookmark that waits for its type and correlation key. A stimulus id seen before has
    /// no effect. With no match yet it is queued (TTL, then dead letter) and applied when a matching bookmark commits.
    /// </summary>
    public async Task<DeliveryResult> DeliverAsync(Stimulus stimulus, CommitContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stimulus);
        var applied = await ApplyToMatchesAsync(stimulus, null, context, cancellationToken);
        if (applied is not null)
        {
            return applied;
        }

        if (await _store.IsProcessedAsync(stimulus.Id.Value, null, cancellationToken))
        {
            return new DeliveryResult(DeliveryStatus.Duplicate, []);
        }

        var pending = new PendingStimulus
        {
            StimulusId = stimulus.Id.Value,
            StimulusType = stimulus.Type,
            CorrelationKey = stimulus.CorrelationKey,
            PayloadJson = stimulus.Payload?.ToJsonString(),
            ReceivedUtc = UtcNow,
            ExpiresUtc = UtcNow + _services.Options.StimulusTimeToLive,
        };
        if (!await _store.AddPendingAsync(pending, cancellationToken))
        {
            return new DeliveryResult(DeliveryStatus.Duplicate, []);
        }

        // A bookmark may have committed between our lookup and the queueing: look again.
        return await DeliverPendingAsync(pending, context, cancellationToken);
    }

    /// <summary>Moves queued stimuli whose TTL passed to the dead letters.</summary>
    public Task<int> SweepExpiredStimuliAsync(CancellationToken cancellationToken = default) =>
        _store.DeadLetterExpiredAsync(UtcNow, cancellationToken);

    public Task<IReadOnlyList<PendingStimulus>> ListDeadLettersAsync(CancellationToken cancellationToken = default) =>
        _store.ListPendingAsync(deadLetters: true, cancellationToken);

    /// <summary>Operator replay of a dead letter: queued again with a fresh TTL and delivered if a bookmark matches now.</summary>
    public async Task<DeliveryResult> ReplayDeadLetterAsync(string stimulusId, CancellationToken cancellationToken = default)
    {
        var revived = await _store.ReviveDeadLetterAsync(stimulusId, UtcNow + _services.Options.StimulusTimeToLive, cancellationToken)
            ?? throw new WorkflowConflictException(new WorkflowConflict(ConflictCode.NotFound, "死信不存在", $"No dead letter '{stimulusId}'"));
        return await DeliverPendingAsync(revived, null, cancellationToken);
    }

    private async Task<DeliveryResult> DeliverPendingAsync(PendingStimulus pending, CommitContext? context, CancellationToken cancellationToken)
    {
        var stimulus = new Stimulus(new StimulusId(pending.StimulusId), pending.StimulusType, pending.CorrelationKey, pending.PayloadJson is null ? null : JsonNode.Parse(pending.PayloadJson));
        return await ApplyToMatchesAsync(stimulus, pending.StimulusId, context, cancellationToken)
            ?? new DeliveryResult(DeliveryStatus.Queued, []);
    }

    /// <summary>Applies the stimulus to each instance with a matching bookmark; null when none matched.</summary>
    private async Task<DeliveryResult?> ApplyToMatchesAsync(Stimulus stimulus, string? pendingId, CommitContext? context, CancellationToken cancellationToken)
    {
        var matches = await _store.FindWaitingInstancesAsync(stimulus.Type, stimulus.CorrelationKey, cancellationToken);
        var applied = new List<InstanceId>();
        var duplicate = false;
        foreach (var instanceId in matches)
        {
            var outcome = await ResumeWithStimulusAsync(instanceId, stimulus, applied.Count == 0 ? pendingId : null, context, cancellationToken);
            if (outcome == DeliveryStatus.Applied)
            {
                applied.Add(instanceId);
            }

            duplicate |= outcome == DeliveryStatus.Duplicate;
        }

        return applied.Count > 0 ? new DeliveryResult(DeliveryStatus.Applied, applied)
            : duplicate ? new DeliveryResult(DeliveryStatus.Duplicate, [])
            : null;
    }

    private Task<DeliveryStatus> ResumeWithStimulusAsync(InstanceId instanceId, Stimulus stimulus, string? pendingId, CommitContext? context, CancellationToken cancellationToken) =>
        MutateAsync(instanceId, Actor.System, async execution =>
        {
            if (execution.StimulusAlreadyProcessed)
            {
                return Unchanged(DeliveryStatus.Duplicate);
            }

            if (pendingId is not null && !(await _store.FindPendingAsync(stimulus.Type, stimulus.CorrelationKey, UtcNow, cancellationToken)).Any(p => p.StimulusId == pendingId))
            {
                // Another node applied (or the sweep expired) this queued stimulus meanwhile.
                return Unchanged(DeliveryStatus.Duplicate);
            }

            var bookmark = execution.Bookmarks.FirstOrDefault(b => b.StimulusType == stimulus.Type && b.CorrelationKey == stimulus.CorrelationKey);
            if (bookmark is null || execution.Instance.IsClosed)
            {
                return Unchanged(DeliveryStatus.Queued);
            }

            execution.Commit.Processed.Add(new ProcessedStimulus { StimulusId = stimulus.Id.Value, InstanceId = instanceId, ProcessedUtc = UtcNow });
            if (pendingId is not null)
            {
                execution.Commit.ConsumedPending.Add(pendingId);
            }

            execution.Resume(bookmark, new MessageSignal(stimulus));
            return Changed(DeliveryStatus.Applied);
        }, context, cancellationToken, stimulus.Id.Value);
}
