namespace Alliance.Server.Infrastructure;

public enum DatabaseProvider { Sqlite, Postgres }

public enum BusTransport { InMemory, RabbitMq }

public enum JobStorage { InMemory, PostgreSql }

/// <summary>
/// Every setting the server reads from the <c>Alliance</c> section (or <c>Alliance__*</c> environment variables).
/// The embedded default of each switch comes first.
/// </summary>
public sealed class AllianceOptions
{
    public const string Section = "Alliance";

    public DatabaseProvider Database { get; set; } = DatabaseProvider.Sqlite;

    public BusTransport Bus { get; set; } = BusTransport.InMemory;

    public JobStorage Jobs { get; set; } = JobStorage.InMemory;

    /// <summary>StackExchange.Redis configuration string for the SignalR backplane; empty means in-process only.</summary>
    public string? Redis { get; set; }

    /// <summary>SQLite connection string used when <see cref="Database"/> is Sqlite.</summary>
    public string Sqlite { get; set; } = "Data Source=data/alliance.db";

    /// <summary>Npgsql connection string used by Postgres storage and PostgreSql jobs.</summary>
    public string? Postgres { get; set; }

    /// <summary>AMQP URI used when <see cref="Bus"/> is RabbitMq, e.g. amqp://guest:guest@127.0.0.1:5672/.</summary>
    public string? RabbitMq { get; set; }

    /// <summary>Seeds the demo region and its users at start-up.</summary>
    public bool DemoData { get; set; }

    /// <summary>The folder of workflow definitions; a relative path is looked for at and above the content root.</summary>
    public string Workflows { get; set; } = "workflows";

    /// <summary>How often Hangfire looks for due timers; keeps timers at most about 2 s late.</summary>
    public TimeSpan JobPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a UI sign-in cookie lives without use (sliding).</summary>
    public TimeSpan SignInLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>How long a bearer token from <c>POST /api/auth/token</c> is valid.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Failed password attempts in a row after which an account is locked.</summary>
    public int LockoutMaxFailures { get; set; } = 5;

    /// <summary>How long a locked account stays locked.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Sign-in attempts (<c>/api/auth/login</c> and <c>/api/auth/token</c>) one client address may make per minute; more answer 429.</summary>
    public int SignInPerClientPerMinute { get; set; } = 60;

    /// <summary>Sign-in attempts for one user name (known or not) per minute, from anywhere; more answer 429.</summary>
    public int SignInPerAccountPerMinute { get; set; } = 10;

    /// <summary>How long live stream events are kept for <c>Resume</c> and <c>GET /api/streams/{stream}/events</c>; older ones are pruned hourly.</summary>
    public TimeSpan LiveRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// External notification channels switched on, comma-separated: <c>WeCom</c>, <c>DingTalk</c>, <c>Email</c>, <c>Sms</c>.
    /// In-app is always on; the default is in-app only.
    /// </summary>
    public string NotificationChannels { get; set; } = "InApp";

    /// <summary>The SMTP server for e-mail notifications: <c>smtp://[user:password@]host[:port]?from=address[&amp;security=none|starttls|ssl|auto]</c>.</summary>
    public string? Smtp { get; set; }

    /// <summary>The generic HTTP SMS gateway that text messages are posted to (<c>{"mobile","text"}</c>).</summary>
    public string? SmsEndpoint { get; set; }

    /// <summary>Bearer token for <see cref="SmsEndpoint"/> (optional).</summary>
    public string? SmsToken { get; set; }

    /// <summary>Attempts of one external delivery before it goes to the dead-letter list.</summary>
    public int NotificationMaxAttempts { get; set; } = 6;

    /// <summary>Back-off before the second attempt of a failed delivery; it doubles with each further attempt.</summary>
    public TimeSpan NotificationRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a node's claim on a delivery lasts; a claim left by a node that died is taken over after it.</summary>
    public TimeSpan NotificationLease { get; set; } = TimeSpan.FromMinutes(2);
}
