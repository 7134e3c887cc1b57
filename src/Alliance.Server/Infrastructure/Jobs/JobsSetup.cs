using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;

namespace Alliance.Server.Infrastructure.Jobs;

public static class JobsSetup
{
    /// <summary>
    /// Hangfire fires timers, reminders and recurring schedules, and nothing else. Its default polling
    /// (15 s) would make timers late, so the schedule is polled every <see cref="AllianceOptions.JobPollInterval"/>.
    /// </summary>
    public static IServiceCollection AddAllianceJobs(this IServiceCollection services, AllianceOptions options)
    {
        // The storage is this container's own singleton, not Hangfire's global JobStorage.Current, so that
        // several hosts in one process (tests, benchmarks) never share or steal each other's jobs.
        services.AddSingleton<Hangfire.JobStorage>(_ => options.Jobs == JobStorage.PostgreSql
            ? new PostgreSqlStorage(
                new NpgsqlConnectionFactory(options.Postgres!, PostgresOptions(options)),
                PostgresOptions(options))
            : new Hangfire.InMemory.InMemoryStorage());
        // Likewise the job activator: Hangfire's default is the global JobActivator.Current, i.e. whichever host
        // configured Hangfire last; ours activates jobs in this container's scopes.
        services.AddSingleton<JobActivator>(provider => new AspNetCoreJobActivator(provider.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((provider, cfg) => cfg
            .UseLogProvider(new HangfireLogProvider(provider.GetRequiredService<ILoggerFactory>()))
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        services.AddHangfireServer(server =>
        {
            server.SchedulePollingInterval = options.JobPollInterval;
            server.WorkerCount = Math.Max(2, Environment.ProcessorCount);
            server.ServerName = $"alliance-{Environment.MachineName}-{Environment.ProcessId}";
        });
        return services;
    }

    private static PostgreSqlStorageOptions PostgresOptions(AllianceOptions options) => new()
    {
        SchemaName = "hangfire",
        QueuePollInterval = options.JobPollInterval,
        PrepareSchemaIfNecessary = true,
    };
}
