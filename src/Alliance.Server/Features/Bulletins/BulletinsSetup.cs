namespace Alliance.Server.Features.Bulletins;

public static class BulletinsSetup
{
    /// <summary>逐月通报: the builder, the job (hourly) and the operations the API and the pages call.</summary>
    public static IServiceCollection AddAllianceBulletins(this IServiceCollection services)
    {
        services.AddSingleton(provider => WorkingDays.From(provider.GetRequiredService<IConfiguration>()));
        services.AddScoped<BulletinBuilder>();
        services.AddScoped<BulletinJob>();
        services.AddScoped<BulletinOperations>();
        services.AddHostedService<BulletinJobStartup>();
        return services;
    }
}
