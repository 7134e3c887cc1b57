using System.Text.Json.Nodes;
using Alliance.Workflows.Activities;
using Alliance.Workflows.Definitions;
using Alliance.Workflows.Model;

namespace Alliance.Workflows.Runtime;

/// <summary>
/// Runs one instance for one resume: executes tokens until every one waits or ends, collecting all changes
/// into the <see cref="CommitBuilder"/> (committed once by the runtime).
/// </summary>
internal sealed partial class WorkflowExecution
{
    private readonly RuntimeServices _services;
    private readonly CommitBuilder _commit;
    private readonly List<Bookmark> _bookmarks;
    private readonly List<Token> _queue = [];
    private readonly int? _expectedVersion;
    private int _steps;

    public WorkflowExecution(RuntimeServices services, WorkflowDefinition definition, WorkflowInstance instance, IEnumerable<Bookmark> bookmarks, CommitBuilder commit, Actor actor, int? expectedVersion)
    {
        _services = services;
        _commit = commit;
        _bookmarks = [.. bookmarks];
        _expectedVersion = expectedVersion;
        Definition = definition;
        Instance = instance;
        Actor = actor;
    }

    public WorkflowDefinition Definition { get; }

    public WorkflowInstance Instance { get; }

    public Actor Actor { get; }

    public IReadOnlyList<Bookmark> Bookmarks => _bookmarks;

    /// <summary>True when the stimulus this resume is for was already applied to the instance (inbox).</summary>
    public bool StimulusAlreadyProcessed { get; init; }

    public DateTime UtcNow => _services.UtcNow;

    internal RuntimeServices Services => _services;

    internal CommitBuilder Commit => _commit;

    public static WorkflowExecution CreateNew(RuntimeServices services, WorkflowDefinition definition, JsonObject? input, Actor actor, CommitBuilder commit, InstanceId? parent, bool parentWaits, string? correlationKey)
    {
        var now = services.UtcNow;
        var instance = new WorkflowInstance
        {
            Id = InstanceId.New(),
            DefinitionId = definition.Id,
            DefinitionVersion = definition.Version,
            Status = InstanceStatus.Running,
            Variables = InitialVariables(definition, input),
            ParentInstanceId = parent,
            ParentWaits = parentWaits,
            CorrelationKey = correlationKey,
            CreatedUtc = now,
            UpdatedUtc = now,
        };
        return new WorkflowExecution(services, definition, instance, [], commit, actor, expectedVersion: null);
    }

    public Bookmark? FindBookmark(BookmarkId id) => _bookmarks.FirstOrDefault(b => b.Id == id);

    public void StartRun()
    {
        _queue.Add(new Token(Definition.StartActivity.Id, ""));
        Run();
    }

    public void Resume(Bookmark bookmark, Signal signal)
    {
        var activity = Definition.Get(bookmark.ActivityId);
        var context = new ActivityContext(this, activity, new Token(bookmark.ActivityId, bookmark.Branch));
        var ports = activity.Resume(context, bookmark, signal);
        var actor = signal switch
        {
            TaskCompletedSignal t => t.Actor.Id,
            VoteCastSignal v => v.Voter.Id,
            MessageSignal m => $"message:{m.Stimulus.Type}",
            _ => Actor.Id,
        };
        Journal(activity, ports.Count > 0 ? string.Join(',', ports) : "resumed", actor, context.Detail);
        Emit(activity.Id, ports, bookmark.Branch);
        Run();
    }

    public void FireTimer(Bookmark timer)
    {
        RemoveBookmark(timer);
        var token = new Token(timer.ActivityId, timer.Branch);
        if (timer.Purpose == TimerPurpose.Retry)
        {
            _queue.Add(token);
            Run();
            return;
        }

        var activity = Definition.Get(timer.ActivityId);
        var context = new ActivityContext(this, activity, token);
        var ports = activity.OnTimer(context, timer);
        Journal(activity, ports.Count > 0 ? string.Join(',', ports) : $"timer:{timer.Purpose}", Actor.System.Id, context.Detail);
        Emit(activity.Id, ports, timer.Branch);
        Run();
    }

    /// <summary>Re-executes every parked faulted token now (operator retry).</summary>
    public void RetryFaulted()
    {
        foreach (var faulted in Instance.State.Faulted)
        {
            faulted.Attempts = 0;
            foreach (var timer in _bookmarks.Where(b => b.Purpose == TimerPurpose.Retry && b.ActivityId == faulted.ActivityId && b.Branch == faulted.Branch).ToList())
            {
                RemoveBookmark(timer);
            }

            _queue.Add(new Token(faulted.ActivityId, faulted.Branch));
        }

        if (Instance.Status == InstanceStatus.Faulted)
        {
            Instance.Status = InstanceStatus.Running;
        }

        Run();
    }

    public void Run()
    {
        while (_queue.Count > 0 && !Instance.IsClosed)
        {
            var token = _queue[0];
            _queue.RemoveAt(0);
            if (++_steps > _services.Options.MaxStepsPerResume)
            {
                RecordFault(token, new InvalidOperationException($"more than {_services.Options.MaxStepsPerResume} steps in one resume"));
                _queue.Clear();
                return;
            }

            Step(token);
        }
    }

    /// <summary>Computes the status and hands the instance to the commit.</summary>
    public void Finish()
    {
        if (!Instance.IsClosed)
        {
            var state = Instance.State;
            if (state.Faulted.Any(f => f.Attempts >= MaxAttempts(f.ActivityId)))
            {
                Instance.Status = InstanceStatus.Faulted;
            }
            else if (_bookmarks.Count > 0 || state.Faulted.Count > 0)
            {
                Instance.Status = InstanceStatus.Waiting;
            }
            else
            {
                Close(InstanceStatus.Completed);
            }
        }

        Instance.UpdatedUtc = UtcNow;
        _commit.Write(Instance, _expectedVersion);
    }

    /// <summary>Ends the instance as Completed or Cancelled: every bookmark goes, a waiting parent is told.</summary>
    public void Close(InstanceStatus status)
    {
        if (Instance.IsClosed)
        {
            return;
        }

        Instance.Status = status;
        Instance.FinishedUtc = UtcNow;
        foreach (var bookmark in _bookmarks.ToList())
        {
            RemoveBookmark(bookmark);
        }

        _queue.Clear();
        Instance.State.Joins.Clear();
        Instance.State.Collectors.Clear();
        Instance.State.ChildGroups.Clear();
        Instance.State.Votes.Clear();
        Instance.State.Faulted.Clear();
        var payload = new JsonObject
        {
            ["instanceId"] = Instance.Id.ToString(),
            ["definitionId"] = Instance.DefinitionId,
            ["status"] = status.ToString(),
            ["businessStatus"] = Instance.BusinessStatus,
            ["variables"] = Instance.Variables.DeepClone(),
        };
        Send(OutboxKind.Event, "WorkflowFinished", payload);
        if (Instance.ParentInstanceId is not null && Instance.ParentWaits)
        {
            _commit.AddedPending.Add(new PendingStimulus
            {
                StimulusId = $"{Stimulus.ChildCompletedType}:{Instance.Id}",
                StimulusType = Stimulus.ChildCompletedType,
                CorrelationKey = Instance.Id.ToString(),
                PayloadJson = payload.ToJsonString(),
                ReceivedUtc = UtcNow,
                ExpiresUtc = UtcNow + _services.Options.StimulusTimeToLive,
            });
        }
    }

    private void Step(Token token)
    {
        var activity = Definition.Find(token.ActivityId);
        if (activity is null)
        {
            RecordFault(token, new InvalidOperationException($"no activity '{token.ActivityId}' in {Definition.Key}"));
            return;
        }

        var mark = _commit.Snapshot();
        var bookmarkCount = _bookmarks.Count;
        var context = new ActivityContext(this, activity, token);
        IReadOnlyList<string> ports;
        try
        {
            ports = activity.Execute(context);
        }
        catch (Exception ex)
        {
            _commit.RollBack(mark);
            _bookmarks.RemoveRange(bookmarkCount, _bookmarks.Count - bookmarkCount);
            RecordFault(token, ex);
            return;
        }

        var state = Instance.State;
        state.Faulted.RemoveAll(f => f.ActivityId == token.ActivityId && f.Branch == token.Branch);
        if (!state.Visited.Contains(activity.Id))
        {
            state.Visited.Add(activity.Id);
        }

        if (activity.CompensateWith is not null)
        {
            state.Compensable.Add(activity.Id);
        }

        var outcome = ports.Count > 0 ? string.Join(',', ports) : context.Outcome ?? (_bookmarks.Count > bookmarkCount ? "waiting" : "ended");
        Journal(activity, outcome, Actor.Id, context.Detail, JournalKind.Executed);
        Emit(activity.Id, ports, token.Branch);
    }

    private void RecordFault(Token token, Exception error)
    {
        var state = Instance.State;
        var faulted = state.Faulted.FirstOrDefault(f => f.ActivityId == token.ActivityId && f.Branch == token.Branch);
        if (faulted is null)
        {
            faulted = new FaultedToken { ActivityId = token.ActivityId, Branch = token.Branch };
            state.Faulted.Add(faulted);
        }

        faulted.Attempts++;
        var policy = Definition.Find(token.ActivityId)?.Retry;
        var delay = policy?.Delay is { } text ? Durations.Parse(text) : _services.Options.RetryBaseDelay;
        DateTime? retryAt = faulted.Attempts < MaxAttempts(token.ActivityId)
            ? UtcNow + (delay * Math.Pow(2, faulted.Attempts - 1))
            : null;
        _commit.AddedIncidents.Add(new Incident
        {
            Id = NewIds.Version7(),
            InstanceId = Instance.Id,
            ActivityId = token.ActivityId,
            Attempt = faulted.Attempts,
            Error = error.Message,
            AtUtc = UtcNow,
            RetryAtUtc = retryAt,
        });
        if (retryAt is { } due)
        {
            var timer = NewBookmark(token.ActivityId, token.Branch, BookmarkKind.Timer);
            timer.Purpose = TimerPurpose.Retry;
            timer.DueUtc = due;
        }

        var type = Definition.Find(token.ActivityId)?.Type ?? "?";
        _commit.Journal.Add(NewJournal(token.ActivityId, type, "faulted", Actor.Id, error.Message, JournalKind.Fault));
    }

    private int MaxAttempts(string activityId) => Definition.Find(activityId)?.Retry?.MaxAttempts ?? _services.Options.MaxAttempts;

    internal void Emit(string activityId, IEnumerable<string> ports, string branch)
    {
        foreach (var port in ports)
        {
            foreach (var connection in Definition.From(activityId, port))
            {
                _queue.Add(new Token(connection.To, branch));
            }
        }
    }

    internal void Enqueue(Token token) => _queue.Add(token);

    internal Bookmark NewBookmark(string activityId, string branch, BookmarkKind kind)
    {
        var bookmark = new Bookmark
        {
            Id = BookmarkId.New(),
            InstanceId = Instance.Id,
            ActivityId = activityId,
            Branch = branch,
            Kind = kind,
            CreatedUtc = UtcNow,
        };
        _bookmarks.Add(bookmark);
        _commit.Add(bookmark);
        return bookmark;
    }

    internal void RemoveBookmark(Bookmark bookmark)
    {
        if (!_bookmarks.Remove(bookmark))
        {
            return;
        }

        _commit.Remove(bookmark);
        foreach (var related in _bookmarks.Where(b => b.RelatedBookmarkId == bookmark.Id).ToList())
        {
            RemoveBookmark(related);
        }
    }

    internal void UpdateBookmark(Bookmark bookmark) => _commit.Update(bookmark);

    internal void Send(OutboxKind kind, string type, JsonNode payload) =>
        _commit.Outbox.Add(new OutboxMessage
        {
            Id = NewIds.Version7(),
            InstanceId = Instance.Id,
            Kind = kind,
            MessageType = type,
            PayloadJson = payload.ToJsonString(),
            CreatedUtc = UtcNow,
        });

    internal void Journal(Activity activity, string outcome, string actor, string? detail = null, JournalKind kind = JournalKind.Resumed) =>
        _commit.Journal.Add(NewJournal(activity.Id, activity.Type, outcome, actor, detail, kind));

    private JournalEntry NewJournal(string activityId, string type, string outcome, string actor, string? detail, JournalKind kind) => new()
    {
        Kind = kind,
        Id = NewIds.Version7(),
        InstanceId = Instance.Id,
        ActivityId = activityId,
        ActivityType = type,
        Actor = actor,
        Outcome = outcome,
        Detail = detail,
        AtUtc = UtcNow,
        Sequence = CommitBuilder.NextSequence(),
    };

    private static JsonObject InitialVariables(WorkflowDefinition definition, JsonObject? input)
    {
        var variables = new JsonObject();
        foreach (var variable in definition.Variables)
        {
            variables[variable.Name] = variable.Default?.DeepClone();
        }

        foreach (var declared in definition.Inputs)
        {
            if (input?.TryGetPropertyValue(declared.Name, out var value) == true)
            {
                variables[declared.Name] = value?.DeepClone();
            }
        }

        return variables;
    }
}
