using HangfireLog = Hangfire.Logging;

namespace Alliance.Server.Infrastructure.Jobs;

/// <summary>
/// Hangfire keeps one log provider per process (a static), while each host owns its logger factory. When
/// several hosts share a process (tests, benchmarks) and the one that set the provider is disposed, Hangfire
/// would throw <see cref="ObjectDisposedException"/> wherever it creates a logger. This provider logs through
/// the host's factory while it lives and stays silent after that, instead of breaking job creation.
/// </summary>
internal sealed class HangfireLogProvider(ILoggerFactory factory) : HangfireLog.ILogProvider
{
    public HangfireLog.ILog GetLogger(string name)
    {
        try
        {
            return new ForwardingLog(factory.CreateLogger(name));
        }
        catch (ObjectDisposedException)
        {
            return new ForwardingLog(null);
        }
    }

    private sealed class ForwardingLog(ILogger? logger) : HangfireLog.ILog
    {
        public bool Log(HangfireLog.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            var level = logLevel switch
            {
                HangfireLog.LogLevel.Trace => LogLevel.Trace,
                HangfireLog.LogLevel.Debug => LogLevel.Debug,
                HangfireLog.LogLevel.Info => LogLevel.Information,
                HangfireLog.LogLevel.Warn => LogLevel.Warning,
                HangfireLog.LogLevel.Error => LogLevel.Error,
                _ => LogLevel.Critical,
            };
            try
            {
                if (logger is null || !logger.IsEnabled(level))
                {
                    return false;
                }

                if (messageFunc is not null)
                {
                    logger.Log(level, exception, "{Message}", messageFunc());
                }

                return true;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }
}
