using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alliance.Server.Features.Meetings;

internal sealed class MeetingConfiguration : IEntityTypeConfiguration<Meeting>
{
    public void Configure(EntityTypeBuilder<Meeting> builder)
    {
        builder.ToTable("meetings");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).HasConversion<StronglyTypedIdValueConverter<MeetingId>>();
        builder.Property(m => m.Kind).HasMaxLength(20);
        builder.Property(m => m.Status).HasMaxLength(20);
        builder.Property(m => m.Title).HasMaxLength(200);
        builder.Property(m => m.Location).HasMaxLength(200);
        builder.Property(m => m.Minutes).HasMaxLength(20000);
        builder.Property(m => m.CancelReason).HasMaxLength(500);
        builder.Property(m => m.Revision).IsConcurrencyToken();
        builder.HasOne<PartyAlliance>().WithMany().HasForeignKey(m => m.AllianceId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(m => m.Agenda).WithOne().HasForeignKey(p => p.MeetingId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(m => m.Members).WithOne().HasForeignKey(p => p.MeetingId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(m => new { m.AllianceId, m.StartsUtc });
        builder.HasIndex(m => m.BookingId);
        builder.Ignore(m => m.Present);
    }
}

internal sealed class AgendaPointConfiguration : IEntityTypeConfiguration<AgendaPoint>
{
    public void Configure(EntityTypeBuilder<AgendaPoint> builder)
    {
        builder.ToTable("meeting_agenda_points");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.MeetingId).HasConversion<StronglyTypedIdValueConverter<MeetingId>>();
        builder.Property(p => p.ItemId).HasConversion<StronglyTypedIdValueConverter<ItemId>>();
        builder.Property(p => p.Kind).HasMaxLength(20);
        builder.Property(p => p.Outcome).HasMaxLength(20);
        builder.Property(p => p.Title).HasMaxLength(200);
        builder.Property(p => p.Category).HasMaxLength(50);
        builder.Property(p => p.Summary).HasMaxLength(8000);
        builder.Property(p => p.Notes).HasMaxLength(8000);
        builder.Property(p => p.RemovedReason).HasMaxLength(500);
        builder.Property(p => p.Resolution).HasMaxLength(4000);
        builder.Property(p => p.TallyRevision).IsConcurrencyToken();
        builder.HasOne<Item>().WithMany().HasForeignKey(p => p.ItemId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(p => p.ItemId);
        builder.Ignore(p => p.IsOnAgenda);
        builder.Ignore(p => p.Cast);
    }
}

internal sealed class MeetingMemberConfiguration : IEntityTypeConfiguration<MeetingMember>
{
    public void Configure(EntityTypeBuilder<MeetingMember> builder)
    {
        builder.ToTable("meeting_members");
        builder.HasKey(m => new { m.MeetingId, m.OrganisationId });
        builder.Property(m => m.MeetingId).HasConversion<StronglyTypedIdValueConverter<MeetingId>>();
        builder.Property(m => m.Reply).HasMaxLength(20);
        builder.Property(m => m.AbsenceReason).HasMaxLength(500);
        builder.Property(m => m.DeputyName).HasMaxLength(50);
        builder.HasOne<Organisation>().WithMany().HasForeignKey(m => m.OrganisationId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class MeetingBallotConfiguration : IEntityTypeConfiguration<MeetingBallot>
{
    public void Configure(EntityTypeBuilder<MeetingBallot> builder)
    {
        builder.ToTable("meeting_ballots");
        builder.HasKey(b => new { b.PointId, b.OrganisationId });
        builder.Property(b => b.Choice).HasMaxLength(20);
        builder.HasOne<AgendaPoint>().WithMany().HasForeignKey(b => b.PointId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Organisation>().WithMany().HasForeignKey(b => b.OrganisationId).OnDelete(DeleteBehavior.Restrict);
    }
}
