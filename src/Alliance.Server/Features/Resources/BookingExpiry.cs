using Alliance.Server.Features.Audit;
using Alliance.Server.Features.Items;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Workflows.Runtime;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Resources;

/// <summary>
/// A request nobody decided before its slot began is moot: it expires, its slot is freed and both sides are told
/// (cause <c>expired</c>), and its route ends. A booking whose route never started (the host stopped between holding the
/// slot and starting the route) gets its route now. Runs every minute as a Hangfire recurring job.
/// </summary>
public sealed class BookingExpiry(IServiceScopeFactory scopes, TimeProvider time)
{
    public const string JobId = "resources-expire-bookings";

    /// <summary>How long a booking may be without its route before the sweep starts it (a request in flight starts its own).</summary>
    public static readonly TimeSpan RouteGrace = TimeSpan.FromMinutes(1);

    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        await StartMissingRoutesAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        List<BookingId> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            due = await scope.ServiceProvider.GetRequiredService<AllianceDbContext>().Set<Booking>().AsNoTracking()
                .Where(b => b.Status == BookingStatus.Pending && b.StartUtc <= now).Select(b => b.Id).ToListAsync(cancellationToken);
        }

        var expired = 0;
        foreach (var id in due)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            var booking = await db.Set<Booking>().SingleAsync(b => b.Id == id, cancellationToken);
            if (booking.Status != BookingStatus.Pending)
            {
                continue;
            }

            var resource = await db.Set<Resource>().AsNoTracking().SingleAsync(r => r.Id == booking.ResourceId, cancellationToken);
            await BookingLifecycle.ReleaseAsync(db, booking, resource, "expired", "使用时段开始时仍未审批 / still undecided when the slot began", "system", now, cancellationToken);
            try
            {
                await scope.ServiceProvider.GetRequiredService<AuditTrail>().SaveAsync(
                    new("booking.expired", "booking", booking.Id.ToString(), null, null, new { booking.Status, booking.CancelCause }), cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                continue; // decided or cancelled meanwhile
            }

            await BookingLifecycle.EndRouteAsync(scope.ServiceProvider.GetRequiredService<WorkflowRuntime>(), scope.ServiceProvider.GetRequiredService<ItemSync>(),
                booking, "expired", "system", cancellationToken);
            expired++;
        }

        return expired;
    }

    /// <summary>Starts the route of every active booking still without one after <see cref="RouteGrace"/>; returns how many.</summary>
    public async Task<int> StartMissingRoutesAsync(CancellationToken cancellationToken)
    {
        var before = time.GetUtcNow().UtcDateTime - RouteGrace;
        List<BookingId> orphans;
        await using (var scope = scopes.CreateAsyncScope())
        {
            orphans = await scope.ServiceProvider.GetRequiredService<AllianceDbContext>().Set<Booking>().AsNoTracking()
                .Where(b => b.ItemId == null && (b.Status == BookingStatus.Pending || b.Status == BookingStatus.Confirmed) && b.CreatedUtc <= before)
                .Select(b => b.Id).ToListAsync(cancellationToken);
        }

        var started = 0;
        foreach (var id in orphans)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            var booking = await db.Set<Booking>().AsNoTracking().SingleAsync(b => b.Id == id, cancellationToken);
            var runtime = scope.ServiceProvider.GetRequiredService<WorkflowRuntime>();
            if (booking.ItemId is not null || await db.Set<Alliance.Workflows.Model.WorkflowInstance>().AsNoTracking().AnyAsync(i => i.CorrelationKey == id.ToString(), cancellationToken))
            {
                continue; // started meanwhile, or its route started and only the item is missing: left to an operator
            }

            var resource = await db.Set<Resource>().AsNoTracking().SingleAsync(r => r.Id == booking.ResourceId, cancellationToken);
            var alliance = await db.Alliances.AsNoTracking().SingleAsync(a => a.Id == resource.AllianceId, cancellationToken);
            var zone = TimeZoneInfo.FindSystemTimeZoneById(alliance.Rules.TimeZone);
            var actor = new Alliance.Workflows.Actor(booking.RequestedBy?.ToString() ?? "system", [], booking.RequesterId.ToString());
            await BookingLifecycle.StartRouteAsync(db, runtime, actor, booking, resource, alliance, zone, time,
                cancellationToken);
            started++;
        }

        return started;
    }
}

/// <summary>Registers the recurring expiry sweep once the host starts.</summary>
internal sealed class BookingExpiryStartup(IRecurringJobManager recurring) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurring.AddOrUpdate<BookingExpiry>(BookingExpiry.JobId, s => s.SweepAsync(CancellationToken.None), "* * * * *");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
