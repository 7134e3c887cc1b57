using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alliance.Workflows.Activities;
using Alliance.Workflows.Model;

namespace Alliance.Workflows.Tests;

/// <summary>
/// Every resume works on a copy of the cached instance (<see cref="WorkflowInstance.Clone"/>): the copy must carry the
/// whole state and share nothing that a resume changes in place.
/// </summary>
public class InstanceCloneTests
{
    [Fact]
    public void Clone_of_an_instance_carries_every_value_of_its_state()
    {
        var original = FullInstance();
        AssertEveryPropertySet(original.State);

        var copy = original.Clone();

        Assert.Equal(JsonSerializer.Serialize(original.State), JsonSerializer.Serialize(copy.State));
        Assert.Equal(original.Variables.ToJsonString(), copy.Variables.ToJsonString());
        Assert.Equal(original.Version, copy.Version);
        Assert.Equal(original.Id, copy.Id);
    }

    [Fact]
    public void Changing_a_clone_in_place_leaves_the_original_as_it_was()
    {
        var original = FullInstance();
        var before = JsonSerializer.Serialize(original.State);
        var variablesBefore = original.Variables.ToJsonString();

        var copy = original.Clone();
        copy.State.Joins[0].Arrived.Add(9);
        copy.State.Joins[0].Cancelled.Add(9);
        copy.State.Joins.Add(new JoinState { JoinId = "other" });
        copy.State.Collectors[0].Items.Add("u9");
        copy.State.Collectors[0].Responses["u9"] = copy.State.Collectors[0].Responses["u1"];
        copy.State.Collectors[0].Responses["u1"].Fields["note"] = JsonDocument.Parse("\"changed\"").RootElement;
        copy.State.ChildGroups[0].Children[0].Finished = null;
        copy.State.ChildGroups[0].Children.Add(new ChildEntry { InstanceId = InstanceId.New() });
        copy.State.Votes[0].Pass = null;
        copy.State.Compensable.Add("x");
        copy.State.Visited.Add("x");
        copy.State.Faulted[0].Attempts++;
        copy.State.Sequence++;
        copy.Variables["count"] = 99;

        Assert.Equal(before, JsonSerializer.Serialize(original.State));
        Assert.Equal(variablesBefore, original.Variables.ToJsonString());
    }

    private static WorkflowInstance FullInstance() => new()
    {
        Id = InstanceId.New(),
        DefinitionId = "clone",
        DefinitionVersion = 2,
        Status = InstanceStatus.Waiting,
        Variables = new JsonObject { ["count"] = 1, ["list"] = new JsonArray(1, 2) },
        Version = 7,
        State = new InstanceState
        {
            Joins = [new JoinState { JoinId = "join", Scope = "s1", ParentBranch = "b", Expected = 3, Arrived = [0, 1], Cancelled = [2] }],
            Collectors =
            [
                new CollectorState
                {
                    ActivityId = "each",
                    Scope = "s2",
                    Branch = "b1",
                    Items = ["u1", "u2"],
                    Responses = new Dictionary<string, TaskResponse>
                    {
                        ["u1"] = new("alice", "approve", "ok", new Dictionary<string, JsonElement> { ["note"] = JsonDocument.Parse("\"n\"").RootElement }, new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc)),
                    },
                },
            ],
            ChildGroups =
            [
                new ChildGroupState
                {
                    ActivityId = "spawn",
                    Scope = "spawn#3",
                    Branch = "b3",
                    Children =
                    [
                        new ChildEntry { InstanceId = InstanceId.New(), Item = JsonDocument.Parse("\"u1\"").RootElement, Finished = JsonDocument.Parse("{\"status\":\"Completed\"}").RootElement },
                    ],
                },
            ],
            Votes = [new VoteState { VoteId = BookmarkId.New(), Quorum = new VoteShare(true, 1, 2), Pass = new VoteShare(false, 2, 3) }],
            Compensable = ["book"],
            Visited = ["start", "book"],
            Faulted = [new FaultedToken { ActivityId = "pay", Branch = "b2", Attempts = 2 }],
            Sequence = 5,
        },
    };

    /// <summary>A property added to the state later must be set in <see cref="FullInstance"/>, so the tests above check that Clone copies it.</summary>
    private static void AssertEveryPropertySet(object value)
    {
        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var item = property.GetValue(value);
            Assert.False(item is null || (item.GetType().IsValueType && item.Equals(Activator.CreateInstance(item.GetType()))), $"{value.GetType().Name}.{property.Name} is not set in the test state");
            if (item is IEnumerable list and not string)
            {
                var elements = list.Cast<object>().ToList();
                Assert.True(elements.Count > 0, $"{value.GetType().Name}.{property.Name} is empty in the test state");
                if (elements[0] is JoinState or CollectorState or ChildGroupState or ChildEntry or VoteState or FaultedToken)
                {
                    AssertEveryPropertySet(elements[0]);
                }
            }
        }
    }
}
