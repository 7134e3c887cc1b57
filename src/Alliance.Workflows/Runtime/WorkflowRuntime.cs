using System.Text.Json.Nodes;
using Alliance.Workflows.Definitions;
using Alliance.Workflows.Model;
using Alliance.Workflows.Persistence;
using Alliance.Workflows.Scheduling;

namespace Alliance.Workflows.Runtime;

/// <summary>
/// The runtime API: start instances, deliver stimuli, fire timers, act on human tasks and votes, operate incidents,
/// migrate. Every resume loads the instance, runs it and commits once; a concurrent change (another node) is retried.
/// </summary>
public sealed partial class WorkflowRuntime
{
    private readonly RuntimeServices _services;
    private readonly IWorkflowStore _store;
    private readonly IWorkflowScheduler _scheduler;
    private readonly SemaphoreSlim[] _locks = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];
    private readonly InstanceCache _cache;

    public WorkflowRuntime(DefinitionRegistry definitions, IWorkflowStore store, IWorkflowScheduler scheduler, TimeProvider time, WorkflowRuntimeOptions? options = null)
    {
        _services = new RuntimeServices(definitions, time, options ?? new WorkflowRuntimeOptions());
        _store = store;
        _scheduler = scheduler;
        _cache = new InstanceCache(_services.Options.InstanceCacheSize);
    }

    public DefinitionRegistry Definitions => _services.Definitions;

    public IWorkflowStore Store => _store;

    private DateTime UtcNow => _services.UtcNow;

    /// <summary>Starts an instance of the latest published version (or the given version) and runs it until it waits.</summary>
    public async Task<InstanceId> StartAsync(
        string workflowId, JsonObject? input = null, Actor? actor = null, int? version = null, string? correlationKey = null, CommitContext? context = null,
        CancellationToken cancellationToken = default)
    {
        var definition = (version is { } v ? _services.Definitions.Find(workflowId, v) : _services.Definitions.Latest(workflowId))
            ?? throw new WorkflowConflictException(new WorkflowConflict(ConflictCode.UnknownDefinition, $"没有工作流定义 {workflowId}", $"No workflow definition '{workflowId}'"));
        CheckInputs(definition, input);
        var commit = new CommitBuilder { Context = context };
        var execution = WorkflowExecution.CreateNew(_services, definition, input, actor ?? Actor.System, commit, null, false, correlationKey);
        execution.StartRun();
        execution.Finish();
        var pending = await _store.CommitAndFindPendingAsync(commit.Build(), UtcNow, cancellationToken);
        await AfterCommitAsync(commit, pending, cancellationToken);
        return execution.Instance.Id;
    }

    public Task<WorkflowInstance?> GetInstanceAsync(InstanceId id, CancellationToken cancellationToken = default) =>
        _store.FindInstanceAsync(id, cancellationToken);

    public Task<IReadOnlyList<JournalEntry>> GetJournalAsync(InstanceId id, CancellationToken cancellationToken = default) =>
        _store.GetJournalAsync(id, cancellationToken);

    /// <summary>
    /// Loads an instance, lets <paramref name="mutate"/> act on it, and commits once. Retries on a concurrency
    /// conflict; then runs the post-commit work (arming timers, delivering queued stimuli).
    /// </summary>
    private async Task<T> MutateAsync<T>(
        InstanceId id, Actor actor, Func<WorkflowExecution, ValueTask<(T Result, bool Changed)>> mutate, CommitContext? context, CancellationToken cancellationToken,
        string? stimulusId = null)
    {
        var useCache = true;
        for (var attempt = 0; ; attempt++)
        {
            var commit = new CommitBuilder { Context = context };
            T result;
            IReadOnlyList<PendingStimulus> pending;
            var gate = _locks[(id.Value.GetHashCode() & 0x7fffffff) % _locks.Length];
            await gate.WaitAsync(cancellationToken);
            try
            {
                InstanceSnapshot? stored = null;
                var cached = useCache ? _cache.TryGet(id, out stored) : null;
                useCache = false;
                commit.Stored = stored;
                var snapshot = cached ?? await _store.LoadAsync(id, stimulusId, cancellationToken)
                    ?? throw new WorkflowConflictException(new WorkflowConflict(ConflictCode.NotFound, "流程实例不存在", $"No workflow instance {id}"));
                var instance = snapshot.Instance;
                var definition = _services.Definitions.Find(instance.DefinitionId, instance.DefinitionVersion)
                    ?? throw new InvalidOperationException($"definition {instance.DefinitionKey} is not loaded");
                var execution = new WorkflowExecution(_services, definition, instance, snapshot.Bookmarks, commit, actor, instance.Version)
                {
                    StimulusAlreadyProcessed = snapshot.StimulusProcessed,
                };
                bool changed;
                try
                {
                    (result, changed) = await mutate(execution);
                }
                catch (WorkflowConflictException) when (cached is not null)
                {
                    continue; // refusals are only given on fresh state
                }

                if (!changed)
                {
                    if (cached is not null)
                    {
                        continue; // so are no-ops
                    }

                    return result;
                }

                execution.Finish();
                try
                {
                    pending = await _store.CommitAndFindPendingAsync(commit.Build(), UtcNow, cancellationToken);
                }
                catch (WorkflowConcurrencyException) when (attempt < _services.Options.MaxConcurrencyRetries)
                {
                    _cache.Evict(id);
                    continue;
                }

                _cache.Put(instance, execution.Bookmarks);
            }
            catch
            {
                _cache.Evict(id);
                throw;
            }
            finally
            {
                gate.Release();
            }

            await AfterCommitAsync(commit, pending, cancellationToken);
            return result;
        }
    }

    /// <summary>After a commit: arm new timers, cancel removed ones, and deliver the queued stimuli that new bookmarks match (read after the commit).</summary>
    private async Task AfterCommitAsync(CommitBuilder commit, IReadOnlyList<PendingStimulus> matchingPending, CancellationToken cancellationToken)
    {
        if (commit.Outbox.Count > 0)
        {
            _services.Options.OutboxCommitted?.Invoke();
        }

        foreach (var removed in commit.Removed.Where(b => b.Kind == BookmarkKind.Timer))
        {
            await _scheduler.CancelAsync(removed.Id, cancellationToken);
        }

        foreach (var timer in commit.Added.Where(b => b.Kind == BookmarkKind.Timer))
        {
            await _scheduler.ScheduleAsync(timer.Id, timer.DueUtc!.Value, cancellationToken);
        }

        foreach (var pending in matchingPending)
        {
            await DeliverPendingAsync(pending, null, cancellationToken);
        }

        // Stimuli produced by the commit itself (a finished child tells its parent).
        foreach (var pending in commit.AddedPending.ToList())
        {
            await DeliverPendingAsync(pending, null, cancellationToken);
        }

        // A parent that stopped waiting for a child without the child finishing (cancelled instance or branch) cancels it.
        foreach (var child in commit.Removed.Where(b => b.Kind == BookmarkKind.Child).ToList())
        {
            await CancelChildAsync(new InstanceId(Guid.Parse(child.CorrelationKey!)), cancellationToken);
        }
    }

    private async Task CancelChildAsync(InstanceId child, CancellationToken cancellationToken)
    {
        var instance = await _store.FindInstanceAsync(child, cancellationToken);
        if (instance is null || instance.IsClosed)
        {
            return;
        }

        try
        {
            await CancelCoreAsync(child, Actor.System, "parent stopped waiting", notifyParent: false, null, cancellationToken);
        }
        catch (WorkflowConflictException ex) when (ex.Code is ConflictCode.InstanceClosed or ConflictCode.NotFound)
        {
            // it finished meanwhile
        }
    }

    private static void CheckInputs(WorkflowDefinition definition, JsonObject? input)
    {
        var errors = new List<FieldError>();
        foreach (var declared in definition.Inputs)
        {
            var value = input?[declared.Name];
            if (value is null)
            {
                if (declared.Required)
                {
                    errors.Add(new FieldError(declared.Name, "必填", "required"));
                }
            }
            else if (!InputTypes.Matches(declared.Type, value))
            {
                errors.Add(new FieldError(declared.Name, $"类型应为 {declared.Type.ToString().ToLowerInvariant()}", $"must be of type {declared.Type.ToString().ToLowerInvariant()}"));
            }
        }

        if (errors.Count > 0)
        {
            throw new WorkflowConflictException(new WorkflowConflict(
                ConflictCode.InvalidInput,
                $"输入有误：{string.Join("、", errors.Select(e => e.Field))}",
                $"Invalid input: {string.Join(", ", errors.Select(e => $"{e.Field} {e.MessageEn}"))}",
                errors));
        }
    }

    private static (T, bool) Unchanged<T>(T result) => (result, false);

    private static (T, bool) Changed<T>(T result) => (result, true);
}
