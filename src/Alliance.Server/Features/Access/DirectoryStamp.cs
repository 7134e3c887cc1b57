using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alliance.Server.Features.Access;

/// <summary>
/// One row that names the current state of the directory an access scope is built from: the organisation tree, the
/// alliances' hosts and the active memberships. Every SaveChanges that adds, changes or deletes one of those rows also
/// writes a new random stamp (<see cref="DirectoryStampInterceptor"/>), in the same transaction; so a node that has the
/// directory cached under the stamp it reads now has it as committed, on every node (<see cref="DirectoryCache"/>).
/// </summary>
public sealed class DirectoryStamp
{
    /// <summary>The one row's key.</summary>
    public const int RowId = 1;

    /// <summary>The stamp the migration writes.</summary>
    public static readonly Guid Initial = new("5c0c6d7e-4a44-4c59-9f1b-7d0f4f0b2a01");

    public int Id { get; init; } = RowId;

    public Guid Stamp { get; set; }
}

internal sealed class DirectoryStampConfiguration : IEntityTypeConfiguration<DirectoryStamp>
{
    public void Configure(EntityTypeBuilder<DirectoryStamp> builder)
    {
        builder.ToTable("directory_stamp");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.HasData(new DirectoryStamp { Id = DirectoryStamp.RowId, Stamp = DirectoryStamp.Initial });
    }
}

/// <summary>
/// Writes a new <see cref="DirectoryStamp"/> in every SaveChanges that adds, changes or deletes an organisation, an
/// alliance or a membership: the stamp row is saved by that same SaveChanges, so in its transaction, and a rolled-back
/// change leaves the stamp as it was. The directory is written through tracked entities only (no bulk update touches
/// those tables), so this sees every change.
/// </summary>
internal sealed class DirectoryStampInterceptor : SaveChangesInterceptor
{
    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Stamp(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Stamp(eventData.Context);
        return result;
    }

    private static void Stamp(DbContext? db)
    {
        if (db is not AllianceDbContext)
        {
            return;
        }

        DirectoryStamp? tracked = null;
        var changed = false;
        foreach (var entry in db.ChangeTracker.Entries()) // detects changes first
        {
            if (entry.Entity is DirectoryStamp stamp)
            {
                tracked = stamp;
            }
            else if (entry.Entity is Organisation or PartyAlliance or AllianceMembership
                     && entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            {
                changed = true;
            }
        }

        if (!changed)
        {
            return;
        }

        if (tracked is null)
        {
            tracked = new DirectoryStamp();
            db.Attach(tracked);
        }

        tracked.Stamp = Guid.NewGuid();
        db.Entry(tracked).Property(s => s.Stamp).IsModified = true;
    }
}
