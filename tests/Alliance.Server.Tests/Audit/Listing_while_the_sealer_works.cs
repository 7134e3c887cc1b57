using System.Data.Common;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Audit;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.People;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Server.Tests.Audit;

/// <summary>
/// A page of the audit trail is read as the unsealed entries and then the sealed chain. The sealer runs on every node at
/// any time, so an entry can be sealed between those two reads; it is still listed once (CI once saw an item's
/// <c>workflow.cancelled</c> entry twice on PostgreSQL).
/// </summary>
public sealed class Listing_while_the_sealer_works(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    [Fact]
    public async Task An_entry_sealed_between_the_two_reads_of_a_page_is_listed_once()
    {
        var entityId = "listing-" + Guid.NewGuid().ToString("N");
        var between = new SealBetweenReads(app, entityId);
        await using var scope = app.Services.CreateAsyncScope();
        var provider = scope.ServiceProvider.GetRequiredService<AllianceDbContext>().GetType();
        var options = (DbContextOptions)scope.ServiceProvider.GetRequiredService(typeof(DbContextOptions<>).MakeGenericType(provider));
        await using var db = (AllianceDbContext)Activator.CreateInstance(provider, new DbContextOptionsBuilder(options).AddInterceptors(between).Options)!;
        var admin = new AccessScope(DemoRegion.Person(DemoUsers.DistrictAdmin), DemoUsers.DistrictAdmin,
            [new ScopeGrant(AllianceRole.DistrictAdmin, DemoRegion.District)], [], [], []);

        var page = await AuditOperations.ListAsync(admin, db, before: null, take: 500, entityId, action: null, CancellationToken.None);

        Assert.True(between.SealedBetween, "the entry was sealed between the page's reads");
        var entry = Assert.Single(page.Entries);
        Assert.Equal("test.listed", entry.Action);
    }

    /// <summary>
    /// Saves one entry just before the page's first read (it is unsealed then: the background sealer, woken by the
    /// commit, needs longer than the read that follows at once) and seals the trail once that read is done.
    /// </summary>
    private sealed class SealBetweenReads(AllianceAppFactory app, string entityId) : DbCommandInterceptor
    {
        private int _reads;

        public bool SealedBetween { get; private set; }

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (_reads == 0)
            {
                await using var scope = app.Services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<AuditTrail>()
                    .SaveAsync(new AuditRecord("test.listed", "test", entityId, null, null, new { }), cancellationToken);
            }

            return result;
        }

        public override async ValueTask<InterceptionResult> DataReaderClosingAsync(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
        {
            if (Interlocked.Increment(ref _reads) == 1)
            {
                await app.SealAuditTrailAsync();
                SealedBetween = true;
            }

            return result;
        }
    }
}
