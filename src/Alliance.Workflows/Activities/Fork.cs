using System.Text.Json.Serialization;
using Alliance.Workflows.Model;
using Alliance.Workflows.Runtime;

namespace Alliance.Workflows.Activities;

/// <summary>Starts parallel branches: one per connection leaving one of its <see cref="Branches"/> ports.</summary>
public sealed record Fork : Activity
{
    [JsonPropertyName("branches")]
    public IReadOnlyList<string> Branches { get; init; } = [];

    public override IReadOnlyList<string> Ports => Branches;

    internal override IReadOnlyList<string> Execute(ActivityContext context)
    {
        var scope = context.NewScope();
        var targets = Branches.SelectMany(port => context.Definition.From(Id, port)).ToList();
        var join = context.Definition.Activities.OfType<Join>().FirstOrDefault(j => j.Fork == Id);
        if (join is not null)
        {
            context.State.Joins.Add(new JoinState
            {
                JoinId = join.Id,
                Scope = scope,
                ParentBranch = context.Token.Branch,
                Expected = targets.Count,
            });
            if (join.Deadline is not null)
            {
                context.AddTimer(TimerPurpose.JoinDeadline, context.UtcNow + context.Duration(join.Deadline), scope: scope)
                    .ActivityId = join.Id;
            }
        }

        for (var i = 0; i < targets.Count; i++)
        {
            context.Execution.Enqueue(new Token(targets[i].To, Runtime.Branches.Child(context.Token.Branch, scope, i)));
        }

        context.Outcome = $"forked {targets.Count} ({scope})";
        return None;
    }
}
