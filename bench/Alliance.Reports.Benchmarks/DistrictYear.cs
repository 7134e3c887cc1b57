using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Commitments;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Meetings;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.Resources;
using Alliance.Server.Infrastructure.Persistence;

namespace Alliance.Reports.Benchmarks;

/// <summary>
/// One year (2026, China time) of a district: 20 streets, 6 communities each (120), 5 units per community (600), a street
/// alliance per street and a community alliance per community; items (the four rules of procedure) with their tasks,
/// ratings, overdue and escalated ones; commitments; shared resources and their bookings; monthly meetings with
/// attendance. Written as rows through the server's own context, so each batch's figures are written by the figure
/// interceptor in the same SaveChanges, as in production.
/// </summary>
internal sealed class DistrictYear(int items, int commitments, int seed)
{
    /// <summary>The year seeded, in China time.</summary>
    public const int Year = 2026;

    public const int Streets = 20;
    public const int CommunitiesPerStreet = 6;
    public const int UnitsPerCommunity = 5;

    private readonly Random _random = new(seed);
    private readonly DateTime _yearStartUtc = new(2025, 12, 31, 16, 0, 0, DateTimeKind.Utc);

    public OrganisationId DistrictId { get; private set; }

    public List<PartyAlliance> StreetAlliances { get; } = [];

    public List<PartyAlliance> CommunityAlliances { get; } = [];

    public Dictionary<AllianceId, List<OrganisationId>> UnitsOf { get; } = [];

    public Dictionary<AllianceId, OrganisationId> StreetOf { get; } = [];

    public async Task SeedAsync(Func<AllianceDbContext> context, Action<string> progress)
    {
        await using (var db = context())
        {
            var district = new Organisation { Id = OrganisationId.New(), Kind = OrganisationKind.District, Name = "基准区", CreatedAt = DateTimeOffset.UtcNow };
            db.Add(district);
            DistrictId = district.Id;
            for (var s = 0; s < Streets; s++)
            {
                var street = new Organisation { Id = OrganisationId.New(), Kind = OrganisationKind.Street, Name = $"基准街道{s + 1}", ParentId = district.Id, CreatedAt = DateTimeOffset.UtcNow };
                var streetAlliance = Alliance(AllianceLevel.Street, street, $"基准街道{s + 1}大党工委");
                db.AddRange(street, streetAlliance);
                StreetAlliances.Add(streetAlliance);
                for (var c = 0; c < CommunitiesPerStreet; c++)
                {
                    var community = new Organisation { Id = OrganisationId.New(), Kind = OrganisationKind.Community, Name = $"基准社区{s + 1}-{c + 1}", ParentId = street.Id, CreatedAt = DateTimeOffset.UtcNow };
                    var alliance = Alliance(AllianceLevel.Community, community, $"基准社区{s + 1}-{c + 1}联盟");
                    db.AddRange(community, alliance, Member(streetAlliance, community.Id));
                    CommunityAlliances.Add(alliance);
                    StreetOf[alliance.Id] = street.Id;
                    UnitsOf[alliance.Id] = [];
                    for (var u = 0; u < UnitsPerCommunity; u++)
                    {
                        var unit = new Organisation
                        {
                            Id = OrganisationId.New(), Kind = OrganisationKind.Unit, Name = $"基准单位{s + 1}-{c + 1}-{u + 1}", ParentId = community.Id,
                            UnitType = (UnitType)(u % 4), CreatedAt = DateTimeOffset.UtcNow,
                        };
                        db.AddRange(unit, Member(alliance, unit.Id));
                        UnitsOf[alliance.Id].Add(unit.Id);
                    }
                }
            }

            await db.SaveChangesAsync();
        }

        for (var done = 0; done < items; done += 500)
        {
            await using var db = context();
            for (var i = done; i < Math.Min(items, done + 500); i++)
            {
                AddItem(db);
            }

            await db.SaveChangesAsync();
            progress($"items {Math.Min(items, done + 500)}/{items}");
        }

        await using (var db = context())
        {
            for (var i = 0; i < commitments; i++)
            {
                AddCommitment(db);
            }

            foreach (var alliance in CommunityAlliances)
            {
                AddSharingAndMeetings(db, alliance);
            }

            await db.SaveChangesAsync();
        }
    }

    private static PartyAlliance Alliance(AllianceLevel level, Organisation host, string name) =>
        new() { Id = AllianceId.New(), Level = level, Name = name, HostOrganisationId = host.Id, Status = AllianceStatus.Active, CreatedAt = DateTimeOffset.UtcNow };

    private static AllianceMembership Member(PartyAlliance alliance, OrganisationId organisation) =>
        new() { Id = MembershipId.New(), AllianceId = alliance.Id, OrganisationId = organisation, Since = new DateOnly(2025, 1, 1), Status = MembershipStatus.Active };

    private DateTime Moment() => _yearStartUtc.AddMinutes(_random.Next(0, 365 * 24 * 60));

    private static readonly ItemKind[] Kinds = [ItemKind.JointTask, ItemKind.JointTask, ItemKind.JointTask, ItemKind.Deliberation, ItemKind.Decision, ItemKind.Urgent];
    private static readonly string[] Categories = ["养老", "医疗", "教育", "文体", "环境", "法律", "安全", "场地"];
    private static readonly string[] Ratings = ["satisfied", "satisfied", "satisfied", "basicallySatisfied", "unsatisfied"];

    private void AddItem(AllianceDbContext db)
    {
        var alliance = CommunityAlliances[_random.Next(CommunityAlliances.Count)];
        var units = UnitsOf[alliance.Id];
        var unit = units[_random.Next(units.Count)];
        var kind = Kinds[_random.Next(Kinds.Length)];
        var created = Moment();
        var closed = _random.NextDouble() < 0.8 ? created.AddHours(Math.Pow(_random.NextDouble(), 2) * 1200) : (DateTime?)null;
        var overdue = _random.NextDouble() < 0.1;
        var item = new Item
        {
            Id = ItemId.New(), Kind = kind, Title = "基准事项", Description = "基准数据", Category = Categories[_random.Next(Categories.Length)],
            AllianceId = alliance.Id, HostOrganisationId = alliance.HostOrganisationId, StreetId = StreetOf[alliance.Id], Scope = ItemScope.Alliance,
            Status = closed is null ? "in-progress" : _random.NextDouble() < 0.05 ? "withdrawn" : "closed", SubmitterOrganisationId = alliance.HostOrganisationId,
            WorkflowInstanceId = Guid.CreateVersion7(), CreatedUtc = created, UpdatedUtc = closed ?? created, ClosedUtc = closed,
            WasOverdue = overdue, Overdue = overdue && closed is null, Escalated = _random.NextDouble() < 0.04,
        };
        db.Add(item);
        var workClosed = closed?.AddHours(-1);
        db.Add(Task(item, "work", unit, created, workClosed, workClosed is null ? null : "done", overdue ? created.AddDays(3) : null));
        if (kind == ItemKind.JointTask && closed is { } at && item.Status == "closed")
        {
            db.Add(Task(item, "verify", alliance.HostOrganisationId, at.AddHours(-1), at, Ratings[_random.Next(Ratings.Length)], null));
        }
    }

    private static ItemTask Task(Item item, string step, OrganisationId holder, DateTime opened, DateTime? closed, string? outcome, DateTime? overdue) => new()
    {
        Id = Guid.CreateVersion7(), ItemId = item.Id, Step = step, HolderOrganisationId = holder, OpenedUtc = opened, ClosedUtc = closed,
        Outcome = outcome, CompletedBy = outcome is null ? null : "bench", OverdueUtc = overdue, DeadlineUtc = opened.AddDays(3),
    };

    private void AddCommitment(AllianceDbContext db)
    {
        var alliance = CommunityAlliances[_random.Next(CommunityAlliances.Count)];
        var units = UnitsOf[alliance.Id];
        var assessed = _random.NextDouble() < 0.7;
        db.Add(new Commitment
        {
            Id = CommitmentId.New(), AllianceId = alliance.Id, UnitId = units[_random.Next(units.Count)], Year = Year, Title = "基准承诺", Category = "场地",
            TargetQuantity = 12, TargetUnit = "次", Schedule = "每月一次", ResponsiblePerson = "基准", Status = assessed ? "fulfilled" : "confirmed",
            ConfirmedUtc = _yearStartUtc.AddDays(_random.Next(0, 60)), Assessment = assessed ? (_random.NextDouble() < 0.8 ? "fulfilled" : "partlyFulfilled") : null,
            AssessedUtc = assessed ? _yearStartUtc.AddDays(350) : null, CreatedUtc = _yearStartUtc, UpdatedUtc = _yearStartUtc,
        });
    }

    private void AddSharingAndMeetings(AllianceDbContext db, PartyAlliance alliance)
    {
        foreach (var owner in UnitsOf[alliance.Id].Take(2))
        {
            var resource = new Resource
            {
                Id = ResourceId.New(), OwnerId = owner, AllianceId = alliance.Id, StreetId = StreetOf[alliance.Id], Kind = ResourceKind.Venue, VenueType = VenueType.ActivityRoom,
                Name = "基准活动室", Description = "基准", Categories = ["场地", Categories[_random.Next(Categories.Length)]], Capacity = 30, Address = "基准路",
                Status = ResourceStatus.Active, CreatedAt = new DateTimeOffset(_yearStartUtc), UpdatedAt = new DateTimeOffset(_yearStartUtc),
            };
            db.Add(resource);
            for (var b = 0; b < 20; b++)
            {
                var start = Moment();
                db.Add(new Booking
                {
                    Id = BookingId.New(), ResourceId = resource.Id, RequesterId = alliance.HostOrganisationId, StartUtc = start, EndUtc = start.AddHours(2), Purpose = "基准活动",
                    HeadCount = 10, Status = _random.NextDouble() < 0.8 ? BookingStatus.Used : BookingStatus.Cancelled, CreatedUtc = start.AddDays(-3),
                });
            }
        }

        for (var month = 0; month < 12; month++)
        {
            var starts = _yearStartUtc.AddMonths(month).AddDays(9).AddHours(1);
            var meeting = new Meeting
            {
                Id = MeetingId.New(), AllianceId = alliance.Id, HostOrganisationId = alliance.HostOrganisationId, Kind = MeetingKind.Regular, Title = "基准联席会议",
                StartsUtc = starts, EndsUtc = starts.AddHours(2), Status = MeetingStatus.MinutesPublished, CreatedUtc = starts.AddDays(-14), ClosedUtc = starts.AddHours(2),
            };
            db.Add(meeting);
            foreach (var unit in UnitsOf[alliance.Id])
            {
                db.Add(new MeetingMember { MeetingId = meeting.Id, OrganisationId = unit, CheckedInUtc = _random.NextDouble() < 0.85 ? starts : null });
            }
        }
    }
}
