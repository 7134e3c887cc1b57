using Alliance.Server.Features.Live;
using StackExchange.Redis;

namespace Alliance.Server.Infrastructure.Realtime;

public static class RealtimeSetup
{
    /// <summary>SignalR in-process, or spanning nodes through the Redis backplane when <c>Alliance:Redis</c> is set.</summary>
    public static IServiceCollection AddAllianceRealtime(this IServiceCollection services, AllianceOptions options)
    {
        var signalR = services.AddSignalR();
        if (!string.IsNullOrWhiteSpace(options.Redis))
        {
            var redis = ConfigurationOptions.Parse(options.Redis);
            if (redis.ChannelPrefix.IsNullOrEmpty)
            {
                redis.ChannelPrefix = RedisChannel.Literal("alliance");
            }

            redis.AbortOnConnectFail = false;
            signalR.AddStackExchangeRedis(o => o.Configuration = redis);
        }

        services.AddAllianceLive();
        return services;
    }
}
