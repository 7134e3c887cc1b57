using System.Text.Json.Nodes;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Items;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Ui.Tests;

internal static class TasksKit
{
    /// <summary>
    /// A joint task (实事共办) of the first community alliance designated to unit 1, submitted by its secretary; then its
    /// contact takes the <paramref name="steps"/> in order, each claimed and, when an outcome is given, completed with it
    /// and its fields (a step without an outcome stays claimed, held by the contact).
    /// </summary>
    public static Task<ItemId> JointTaskOfUnitOneAsync(this UiServer ui, string title, string description, params (string Step, string? Outcome, JsonObject? Fields)[] steps) =>
        ui.AsAsync(DemoUsers.CommunitySecretary, async (services, scope) =>
        {
            var submitted = await services.GetRequiredService<ItemOperations>().SubmitAsync(scope, new ItemsApi.SubmitItemRequest(
                ItemKind.JointTask, title, description, "法律", DemoRegion.CommunityAlliance(1), ItemScope.Alliance,
                DateOnly.FromDateTime(DateTime.UtcNow.AddDays(30)), DemoRegion.Unit(1)), null, CancellationToken.None);
            var item = submitted.Item.Id;
            return await ui.AsAsync(DemoUsers.UnitContact, async (contactServices, contact) =>
            {
                var tasks = contactServices.GetRequiredService<TaskOperations>();
                foreach (var (step, outcome, fields) in steps)
                {
                    var task = await OpenedAsync(tasks, contact, item, step);
                    await tasks.ClaimAsync(contact, task.Id, CancellationToken.None);
                    if (outcome is not null)
                    {
                        await tasks.CompleteAsync(contact, task.Id, new TasksApi.CompleteTaskRequest(outcome, null, fields), CancellationToken.None);
                    }
                }

                return item;
            });
        });

    /// <summary>
    /// The person's open <paramref name="step"/> task of the item, once the route has opened it: with RabbitMQ (the
    /// real-server pass) a step can open a moment after the action before it answered (CI saw none at once).
    /// </summary>
    private static async Task<TasksApi.TaskView> OpenedAsync(TaskOperations tasks, AccessScope person, ItemId item, string step)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var open = (await tasks.InboxAsync(person, CancellationToken.None, item)).Where(t => t.Step == step).ToList();
            if (open.Count == 1 || DateTime.UtcNow > deadline)
            {
                return Assert.Single(open);
            }

            await Task.Delay(100);
        }
    }
}
