using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Alliance.Server.Features.People;
using Alliance.Server.Infrastructure;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;

namespace Alliance.Server.Features.Auth;

/// <summary>
/// Sign-in does not tell who exists (docs/api.md, "Signing in"):
/// <list type="bullet">
/// <item>an unknown user name costs the same password hash as a known one and locks out exactly as a known account does
/// (the <see cref="AllianceOptions.LockoutMaxFailures"/>-th failure in a row answers 423, and so does every attempt for
/// <see cref="AllianceOptions.LockoutDuration"/>), with the same status and body;</item>
/// <item>attempts are limited per user name (<see cref="AllianceOptions.SignInPerAccountPerMinute"/>, known or not) and per
/// client address (<see cref="AllianceOptions.SignInPerClientPerMinute"/>, the <see cref="Policy"/> rate-limiting policy).</item>
/// </list>
/// Unknown names are counted in this node's memory (at most <see cref="MaxUnknown"/>, forgotten a day after their last
/// failure); known accounts in the database.
/// </summary>
public sealed class SignInGuard : IDisposable
{
    public const string Policy = "sign-in";

    public const int MaxUnknown = 100_000;

    private readonly ConcurrentDictionary<string, Unknown> _unknown = new(StringComparer.Ordinal);
    private readonly PartitionedRateLimiter<string> _accounts;
    private readonly AllianceOptions _options;
    private readonly TimeProvider _time;
    private readonly PasswordHasher<AllianceUser> _hasher;
    private readonly Lazy<string> _decoyHash;

    /// <remarks>
    /// Identity registers its password hasher as scoped; this guard is a singleton (it counts unknown names across
    /// requests), so it builds its own from the same <see cref="PasswordHasherOptions"/>: the decoy check costs what a real one
    /// costs. (It took the scoped hasher once, and `dotnet run` — Development validates lifetimes — did not start.)
    /// </remarks>
    public SignInGuard(AllianceOptions options, TimeProvider time, Microsoft.Extensions.Options.IOptions<PasswordHasherOptions> hashing)
    {
        _options = options;
        _time = time;
        var hasher = new PasswordHasher<AllianceUser>(hashing);
        _hasher = hasher;
        _decoyHash = new(() => hasher.HashPassword(new AllianceUser(), Guid.NewGuid().ToString("N")));
        _accounts = PartitionedRateLimiter.Create<string, string>(name => RateLimitPartition.GetFixedWindowLimiter(name, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.SignInPerAccountPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));
    }

    /// <summary>Takes one attempt from the user name's allowance, or refuses with 429.</summary>
    public void Enter(string normalizedUserName)
    {
        using var lease = _accounts.AttemptAcquire(normalizedUserName);
        if (!lease.IsAcquired)
        {
            throw TooMany();
        }
    }

    /// <summary>
    /// A sign-in for a name that has no account: the same work and the same answers as a wrong password for an account.
    /// Returns true when the name is (now) locked out.
    /// </summary>
    public bool FailUnknown(string normalizedUserName, string password)
    {
        var now = _time.GetUtcNow();
        var entry = _unknown.GetOrAdd(normalizedUserName, _ => new Unknown());
        lock (entry)
        {
            entry.LastFailure = now;
            if (entry.LockedUntil > now)
            {
                return true; // Identity answers a locked account before it checks the password.
            }

            _hasher.VerifyHashedPassword(new AllianceUser(), _decoyHash.Value, password);
            if (++entry.Failures < _options.LockoutMaxFailures)
            {
                Prune(now);
                return false;
            }

            entry.Failures = 0;
            entry.LockedUntil = now + _options.LockoutDuration;
            return true;
        }
    }

    public static SignInProblem TooMany() =>
        new(StatusCodes.Status429TooManyRequests, "auth.too-many-attempts",
            new("登录尝试过于频繁，请稍后再试。", "Too many sign-in attempts: try again in a minute."));

    /// <summary>The per-client limit: one fixed window a minute per remote address.</summary>
    public static void AddPolicy(RateLimiterOptions limiter, AllianceOptions options)
    {
        ArgumentNullException.ThrowIfNull(limiter);
        ArgumentNullException.ThrowIfNull(options);
        limiter.AddPolicy(Policy, http => RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "local",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = options.SignInPerClientPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        limiter.OnRejected = (context, _) => throw TooMany();
    }

    public void Dispose() => _accounts.Dispose();

    private void Prune(DateTimeOffset now)
    {
        if (_unknown.Count <= MaxUnknown)
        {
            return;
        }

        foreach (var (name, entry) in _unknown)
        {
            if (entry.LastFailure < now - TimeSpan.FromDays(1) || _unknown.Count > MaxUnknown)
            {
                _unknown.TryRemove(name, out _);
            }
        }
    }

    private sealed class Unknown
    {
        public int Failures { get; set; }

        public DateTimeOffset LockedUntil { get; set; }

        public DateTimeOffset LastFailure { get; set; }
    }
}
