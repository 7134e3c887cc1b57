using Alliance.Server.Features.Live;
using Alliance.Server.Infrastructure;
using Hangfire;

namespace Alliance.Server.Features.Notifications;

public static class NotificationsSetup
{
    /// <summary>The rules, the writer, the dispatcher and its channels, the person stream, and the recurring sweep of due deliveries.</summary>
    public static IServiceCollection AddAllianceNotifications(this IServiceCollection services, AllianceOptions options)
    {
        services.AddSingleton(NotificationOptions.From(options));
        services.AddHttpClient(RobotResponse.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton<ChannelSecrets>();
        services.AddScoped<NotificationWriter>();
        services.AddSingleton<NotificationDispatcher>();
        services.AddSingleton<IChannelSender, WeComRobotSender>();
        services.AddSingleton<IChannelSender, DingTalkRobotSender>();
        services.AddSingleton<IChannelSender, EmailSender>();
        services.AddSingleton<IChannelSender, SmsSender>();
        services.AddSingleton<ISmsProvider, HttpSmsProvider>();
        services.AddScoped<NotificationDeliveryJob>();
        services.AddStreamKind<PersonStreamKind>();
        services.AddHostedService<NotificationsStartup>();
        return services;
    }
}

/// <summary>Registers the sweep that runs retries, deliveries held by quiet hours and lost claims (every minute).</summary>
internal sealed class NotificationsStartup(IRecurringJobManager recurring) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurring.AddOrUpdate<NotificationDeliveryJob>("notifications-due", job => job.RunDueAsync(CancellationToken.None), "* * * * *");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
