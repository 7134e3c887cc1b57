using Alliance.Workflows.Activities;
using Alliance.Workflows.Expressions;
using Cronos;

namespace Alliance.Workflows.Definitions;

/// <summary>
/// The checks a schema cannot make: duplicate ids, one Start, dangling or bad connections, unreachable activities,
/// loops without a wait, expression syntax, references between activities, durations and cron expressions.
/// </summary>
internal static class SemanticValidator
{
    public static List<DefinitionError> Validate(WorkflowDefinition definition)
    {
        var errors = new List<DefinitionError>();
        void Add(string path, string code, string message) => errors.Add(new DefinitionError(definition.SourceFile, path, code, message));

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var activities = definition.Activities;
        for (var i = 0; i < activities.Count; i++)
        {
            if (!index.TryAdd(activities[i].Id, i))
            {
                Add($"$.activities[{i}].id", DefinitionErrorCodes.DuplicateId, $"duplicate activity id '{activities[i].Id}' (first at $.activities[{index[activities[i].Id]}])");
            }
        }

        var starts = activities.Count(a => a is Start);
        if (starts != 1)
        {
            Add("$.activities", DefinitionErrorCodes.StartCount, $"a definition needs exactly one Start activity, found {starts}");
        }

        CheckConnections(definition, index, Add);
        for (var i = 0; i < activities.Count; i++)
        {
            CheckActivity(definition, activities[i], $"$.activities[{i}]", index, Add);
        }

        if (starts == 1 && errors.Count == 0)
        {
            CheckReachability(definition, index, Add);
            CheckLoops(definition, index, Add);
        }

        return errors;
    }

    private static void CheckConnections(WorkflowDefinition definition, Dictionary<string, int> index, Action<string, string, string> add)
    {
        for (var i = 0; i < definition.Connections.Count; i++)
        {
            var c = definition.Connections[i];
            var path = $"$.connections[{i}]";
            if (!index.TryGetValue(c.From, out var from))
            {
                add($"{path}.from", DefinitionErrorCodes.DanglingConnection, $"dangling connection: no activity '{c.From}'");
            }
            else if (!definition.Activities[from].Ports.Contains(c.Port))
            {
                var ports = definition.Activities[from].Ports;
                add($"{path}.port", DefinitionErrorCodes.BadConnection, $"activity '{c.From}' ({definition.Activities[from].Type}) has no outcome port '{c.Port}'; ports: {(ports.Count == 0 ? "none" : string.Join(", ", ports))}");
            }

            if (!index.TryGetValue(c.To, out var to))
            {
                add($"{path}.to", DefinitionErrorCodes.DanglingConnection, $"dangling connection: no activity '{c.To}'");
            }
            else if (definition.Activities[to] is Start)
            {
                add($"{path}.to", DefinitionErrorCodes.BadConnection, $"a connection cannot lead into the Start activity '{c.To}'");
            }
        }
    }

    private static void CheckActivity(WorkflowDefinition definition, Activity activity, string path, Dictionary<string, int> index, Action<string, string, string> add)
    {
        foreach (var (property, source) in activity.Expressions())
        {
            if (ExpressionEvaluator.CheckSyntax(source) is { } problem)
            {
                add($"{path}.{property}", DefinitionErrorCodes.ExpressionSyntax, $"expression syntax error: {problem}");
            }
        }

        void Duration(string property, string? value)
        {
            if (value is not null && !Durations.TryParse(value, out _) && ExpressionEvaluator.CheckSyntax(value) is not null)
            {
                add($"{path}.{property}", DefinitionErrorCodes.Schema, $"'{value}' is neither an ISO 8601 duration (e.g. PT2H, P3D) nor an expression");
            }
        }

        void Reference(string property, string id, Func<Activity, bool> isValid, string expected)
        {
            if (!index.TryGetValue(id, out var target))
            {
                add($"{path}.{property}", DefinitionErrorCodes.BadReference, $"no activity '{id}'");
            }
            else if (!isValid(definition.Activities[target]))
            {
                add($"{path}.{property}", DefinitionErrorCodes.BadReference, $"'{id}' must be {expected}, not a {definition.Activities[target].Type}");
            }
        }

        if (activity.Retry?.Delay is { } delay && !Durations.TryParse(delay, out _))
        {
            add($"{path}.retry.delay", DefinitionErrorCodes.Schema, $"'{delay}' is not an ISO 8601 duration (e.g. PT2H, P3D)");
        }
        if (activity.CompensateWith is { } handler)
        {
            Reference("compensateWith", handler, a => a is SetVariable or SetStatus or Publish or Notify, "an immediate activity (SetVariable, SetStatus, Publish or Notify)");
        }

        switch (activity)
        {
            case HumanTask task:
                Duration("deadline", task.Deadline);
                for (var r = 0; r < task.Reminders.Count; r++)
                {
                    Duration($"reminders[{r}]", task.Reminders[r]);
                }

                if (task.Reminders.Count > 0 && task.Deadline is null)
                {
                    add($"{path}.reminders", DefinitionErrorCodes.MissingProperty, "reminders need a deadline");
                }

                break;
            case Activities.Timer timer:
                var kinds = new[] { timer.Duration, timer.At, timer.Cron }.Count(v => v is not null);
                if (kinds != 1)
                {
                    add(path, DefinitionErrorCodes.MissingProperty, "a Timer needs exactly one of 'duration', 'at', 'cron'");
                }

                Duration("duration", timer.Duration);
                if (timer.Cron is not null && !CronExpression.TryParse(timer.Cron, out _) && ExpressionEvaluator.CheckSyntax(timer.Cron) is not null)
                {
                    add($"{path}.cron", DefinitionErrorCodes.Schema, $"'{timer.Cron}' is neither a valid cron expression nor an expression");
                }

                break;
            case Join join:
                Reference("fork", join.Fork, a => a is Fork, "a Fork");
                Duration("deadline", join.Deadline);
                if (join.Mode == JoinMode.Quorum && join.Quorum is null)
                {
                    add($"{path}.quorum", DefinitionErrorCodes.MissingProperty, "mode 'quorum' needs 'quorum' (k of n)");
                }

                if (definition.Activities.OfType<Join>().Count(j => j.Fork == join.Fork) > 1)
                {
                    add($"{path}.fork", DefinitionErrorCodes.BadReference, $"Fork '{join.Fork}' is closed by more than one Join");
                }

                break;
            case Vote vote:
                Duration("deadline", vote.Deadline);
                if ((vote.Voters is null) == (vote.Organisations is null))
                {
                    add($"{path}.voters", DefinitionErrorCodes.MissingProperty, "a Vote needs exactly one of 'voters' (people) and 'organisations'");
                }

                if (vote.Organisations is not null && string.IsNullOrWhiteSpace(vote.Ballot?.Role))
                {
                    add($"{path}.ballot", DefinitionErrorCodes.MissingProperty, "a Vote of 'organisations' needs 'ballot' with the role that votes for each organisation");
                }

                if (vote.Voters is not null && vote.Ballot is not null)
                {
                    add($"{path}.ballot", DefinitionErrorCodes.Schema, "'ballot' applies only to a Vote of 'organisations'");
                }

                break;
            case ParallelForEach forEach:
                Duration("window", forEach.Window);
                break;
            case Switch sw when sw.Cases.Select(c => c.Port).Distinct().Count() != sw.Cases.Count:
                add($"{path}.cases", DefinitionErrorCodes.DuplicateId, "case ports must be unique");
                break;
            case Cancel cancel when cancel.Target is not (Cancel.InstanceTarget or Cancel.BranchTarget):
                Reference("target", cancel.Target, _ => true, "an activity");
                break;
        }
    }

    private static void CheckReachability(WorkflowDefinition definition, Dictionary<string, int> index, Action<string, string, string> add)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>([definition.StartActivity.Id]);
        while (stack.TryPop(out var id))
        {
            if (!reached.Add(id))
            {
                continue;
            }

            foreach (var next in definition.From(id).Select(c => c.To))
            {
                stack.Push(next);
            }

            if (definition.Find(id)?.CompensateWith is { } handler)
            {
                stack.Push(handler);
            }
        }

        foreach (var activity in definition.Activities.Where(a => !reached.Contains(a.Id)))
        {
            add($"$.activities[{index[activity.Id]}]", DefinitionErrorCodes.Unreachable, $"activity '{activity.Id}' is unreachable from Start");
        }
    }

    /// <summary>Finds cycles among activities that never wait (strongly connected components of that subgraph).</summary>
    private static void CheckLoops(WorkflowDefinition definition, Dictionary<string, int> index, Action<string, string, string> add)
    {
        var immediate = definition.Activities.Where(a => !a.Waits).Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        var edges = immediate.ToDictionary(id => id, id => definition.From(id).Select(c => c.To).Where(immediate.Contains).Distinct().ToList(), StringComparer.Ordinal);
        var order = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var counter = 0;

        void Connect(string v)
        {
            order[v] = low[v] = counter++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in edges[v])
            {
                if (!order.TryGetValue(w, out var seen))
                {
                    Connect(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], seen);
                }
            }

            if (low[v] != order[v])
            {
                return;
            }

            var component = new List<string>();
            string member;
            do
            {
                member = stack.Pop();
                onStack.Remove(member);
                component.Add(member);
            }
            while (member != v);

            if (component.Count > 1 || edges[v].Contains(v))
            {
                var members = component.OrderBy(id => index[id]).ToList();
                add($"$.activities[{index[members[0]]}]", DefinitionErrorCodes.LoopWithoutWait, $"loop without a wait: {string.Join(" -> ", members)} -> {members[0]}");
            }
        }

        foreach (var id in immediate.OrderBy(id => index[id]))
        {
            if (!order.ContainsKey(id))
            {
                Connect(id);
            }
        }
    }
}
