using Alliance.Server.Infrastructure.Persistence;
using Alliance.Workflows.Definitions;
using Alliance.Workflows.Outbox;
using Alliance.Workflows.Persistence;
using Alliance.Workflows.Persistence.Ef;
using Alliance.Workflows.Runtime;
using Alliance.Workflows.Scheduling;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Infrastructure.Workflows;

public static class WorkflowSetup
{
    /// <summary>
    /// Plugs the runtime's ports into the host: the EF store over <see cref="AllianceDbContext"/>, Hangfire as the
    /// timer scheduler, MassTransit (through <see cref="OutboxDispatcher"/>) for the outbox; the host's commit hook, if
    /// registered (items: <c>ItemCommitHook</c>), joins the store's transactions.
    /// </summary>
    public static IServiceCollection AddAllianceWorkflows(this IServiceCollection services, AllianceOptions options)
    {
        services.AddSingleton<WorkflowOutboxWakeUp>();
        services.AddSingleton(provider => LoadDefinitions(options, provider.GetRequiredService<IHostEnvironment>(), provider.GetRequiredService<ILogger<DefinitionRegistry>>()));
        services.AddSingleton(provider => provider.GetRequiredService<WorkflowCatalog>().Registry);
        services.AddSingleton<IWorkflowStore>(provider =>
            new EfWorkflowStore<AllianceDbContext>(provider.GetRequiredService<IDbContextFactory<AllianceDbContext>>(), provider.GetService<IWorkflowCommitHook>()));
        services.AddSingleton<IWorkflowScheduler, HangfireWorkflowScheduler>();
        services.AddSingleton(provider => new WorkflowRuntimeOptions { OutboxCommitted = provider.GetRequiredService<WorkflowOutboxWakeUp>().Notify });
        services.AddSingleton(provider => new WorkflowRuntime(
            provider.GetRequiredService<DefinitionRegistry>(),
            provider.GetRequiredService<IWorkflowStore>(),
            provider.GetRequiredService<IWorkflowScheduler>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<WorkflowRuntimeOptions>()));
        services.AddTransient<WorkflowTimerJob>();
        services.AddTransient<WorkflowMaintenanceJob>();
        services.AddSingleton<IOutboxPublisher, MassTransitOutboxPublisher>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService<OutboxDispatchLoop>();
        services.AddHostedService<WorkflowStartup>();
        return services;
    }

    /// <summary>
    /// Where the definitions live: <c>Alliance:Workflows</c> if absolute, else the first such folder at or above the content
    /// root (a source checkout), else the copy beside the server's own files (a build or publish output started from
    /// another folder).
    /// </summary>
    public static string ResolveWorkflowsFolder(AllianceOptions options, IHostEnvironment environment)
    {
        if (Path.IsPathRooted(options.Workflows))
        {
            return options.Workflows;
        }

        for (var dir = new DirectoryInfo(environment.ContentRootPath); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, options.Workflows);
            if (File.Exists(Path.Combine(candidate, "schema.json")))
            {
                return candidate;
            }
        }

        var beside = Path.Combine(AppContext.BaseDirectory, options.Workflows);
        return File.Exists(Path.Combine(beside, "schema.json")) ? beside : Path.Combine(environment.ContentRootPath, options.Workflows);
    }

    private static WorkflowCatalog LoadDefinitions(AllianceOptions options, IHostEnvironment environment, ILogger logger)
    {
        var registry = new DefinitionRegistry();
        var folder = ResolveWorkflowsFolder(options, environment);
        if (!Directory.Exists(folder))
        {
            throw new AllianceConfigurationException($"Configuration error: Alliance:Workflows = '{options.Workflows}' names no folder (looked for {folder}).");
        }

        var result = registry.LoadDirectory(folder);
        foreach (var error in result.Errors)
        {
            logger.LogError("Workflow definition not loaded: {Error}", error.ToString());
        }

        logger.LogInformation("Loaded {Count} workflow definition(s) from {Folder}: {Keys}", result.Definitions.Count, folder, string.Join(", ", result.Definitions.Select(d => d.Key)));
        return new WorkflowCatalog(registry, folder, result.Errors);
    }
}

/// <summary>The live definitions, the folder they came from, and the files that failed validation (not live).</summary>
public sealed record WorkflowCatalog(DefinitionRegistry Registry, string Folder, IReadOnlyList<DefinitionError> Errors);
