using Alliance.Server.Features.Audit;
using Alliance.Server.Features.Items;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Workflows.Runtime;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Resources;

/// <summary>
/// A request nobody decided before its slot began is moot: it expires, its slot is freed and both sides are told
/// (cause <c>expired</c>), and its route ends. Runs every minute as a Hangfire recurring job.
/// </summary>
public sealed class BookingExpiry(IServiceScopeFactory scopes, TimeProvider time)
{
    public const string JobId = "resources-expire-bookings";

    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
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
            await BookingsApi.ReleaseAsync(db, booking, resource, "expired", "使用时段开始时仍未审批 / still undecided when the slot began", "system", now, cancellationToken);
            try
            {
                await scope.ServiceProvider.GetRequiredService<AuditTrail>().SaveAsync(
                    new("booking.expired", "booking", booking.Id.ToString(), null, null, new { booking.Status, booking.CancelCause }), cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                continue; // decided or cancelled meanwhile
            }

            await BookingsApi.EndRouteAsync(scope.ServiceProvider.GetRequiredService<WorkflowRuntime>(), scope.ServiceProvider.GetRequiredService<ItemSync>(),
                booking, "expired", "system", cancellationToken);
            expired++;
        }

        return expired;
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
