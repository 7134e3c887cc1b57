using Alliance.Server.Features.Agreements;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Audit;
using Alliance.Server.Features.Commitments;
using Alliance.Server.Features.Lists;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.People;
using Alliance.Server.Features.Resources;
using Alliance.Server.Infrastructure;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Demo;

public static class DemoSeeder
{
    /// <summary>
    /// Seeds the demo region when <c>Alliance:DemoData=true</c>; does nothing when it is already there (by its
    /// fixed district id), so it runs safely on every start and on every node.
    /// </summary>
    public static async Task SeedDemoRegionAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.GetRequiredService<AllianceOptions>().DemoData)
        {
            return;
        }

        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;
        var db = provider.GetRequiredService<AllianceDbContext>();
        if (await db.Organisations.AnyAsync(o => o.Id == DemoRegion.District, cancellationToken))
        {
            return;
        }

        // Check again under the seed lock, so that two nodes starting together seed exactly once.
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async cancel =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancel);
            await TransactionLock.TakeAsync(db, SeedLockKey, cancel);
            if (await db.Organisations.AnyAsync(o => o.Id == DemoRegion.District, cancel))
            {
                return;
            }

            var now = provider.GetRequiredService<TimeProvider>().GetUtcNow();
            AddOrganisations(db, now);
            AddAlliances(db, now);
            AddPeople(db, provider.GetRequiredService<IPasswordHasher<AllianceUser>>(), provider.GetRequiredService<ILookupNormalizer>(), now);
            AddAgreements(db, now);
            AddResources(db, now);
            AddNeedsAndCommitments(db, now);
            await provider.GetRequiredService<AuditTrail>().SaveAsync(new("demo.seeded", "region", DemoRegion.District.ToString(), null, null, new
            {
                district = DemoRegion.DistrictName,
                streets = DemoRegion.Streets.Count,
                communities = DemoRegion.Communities.Count,
                units = DemoRegion.Units.Count,
                people = DemoRegion.People.Count,
                agreements = DemoRegion.Agreements.Count,
                resources = DemoRegion.Resources.Count,
                needs = DemoRegion.Needs.Count,
                commitments = DemoRegion.Commitments.Count,
            }), cancel);
            await transaction.CommitAsync(cancel);
        }, cancellationToken);
    }

    /// <summary>The advisory lock key that serialises seeding on PostgreSQL ("seed" in ASCII); SQLite's transactions hold its single write lock.</summary>
    private const long SeedLockKey = 0x73656564;

    private static void AddOrganisations(AllianceDbContext db, DateTimeOffset now)
    {
        db.Organisations.Add(new Organisation
        {
            Id = DemoRegion.District, Kind = OrganisationKind.District, Name = DemoRegion.DistrictName,
            Address = "江滨区人民路1号", CreatedAt = now,
        });
        foreach (var street in DemoRegion.Streets)
        {
            db.Organisations.Add(new Organisation
            {
                Id = DemoRegion.Street(street.No), Kind = OrganisationKind.Street, Name = street.Name, ParentId = DemoRegion.District,
                Address = DemoRegion.AddressOf(street.No, "办事处"), CreatedAt = now,
            });
        }

        foreach (var community in DemoRegion.Communities)
        {
            db.Organisations.Add(new Organisation
            {
                Id = DemoRegion.Community(community.No), Kind = OrganisationKind.Community, Name = community.Name,
                ParentId = DemoRegion.Street(community.Street),
                Address = DemoRegion.AddressOf(community.Street, $"{community.Road}{community.No * 10 + 1}号{community.Name}党群服务中心"), CreatedAt = now,
            });
        }

        foreach (var unit in DemoRegion.Units)
        {
            var street = DemoRegion.Communities[unit.Community - 1].Street;
            db.Organisations.Add(new Organisation
            {
                Id = DemoRegion.Unit(unit.No), Kind = OrganisationKind.Unit, Name = unit.Name, ParentId = DemoRegion.Community(unit.Community),
                UnitType = unit.Type, ServiceCategories = [.. unit.Categories], Address = DemoRegion.AddressOf(street, unit.Address), CreatedAt = now,
            });
        }
    }

    private static void AddAlliances(AllianceDbContext db, DateTimeOffset now)
    {
        foreach (var street in DemoRegion.Streets)
        {
            db.Alliances.Add(new PartyAlliance
            {
                Id = DemoRegion.StreetAlliance(street.No), Level = AllianceLevel.Street, Name = DemoRegion.StreetAllianceName(street.No),
                HostOrganisationId = DemoRegion.Street(street.No), Rules = DemoRegion.RulesFor(AllianceLevel.Street), CreatedAt = now,
            });
        }

        foreach (var community in DemoRegion.Communities)
        {
            db.Alliances.Add(new PartyAlliance
            {
                Id = DemoRegion.CommunityAlliance(community.No), Level = AllianceLevel.Community, Name = DemoRegion.CommunityAllianceName(community.No),
                HostOrganisationId = DemoRegion.Community(community.No), Rules = DemoRegion.RulesFor(AllianceLevel.Community), CreatedAt = now,
            });
        }

        foreach (var m in DemoRegion.Memberships)
        {
            db.AllianceMemberships.Add(new AllianceMembership
            {
                Id = DemoRegion.Membership(m.Alliance, m.Organisation), AllianceId = m.Alliance, OrganisationId = m.Organisation,
                PartTimeMemberId = m.PartTimeMember is null ? null : DemoRegion.Person(m.PartTimeMember),
                Since = m.Since, Until = m.Until, Status = m.Until is null ? MembershipStatus.Active : MembershipStatus.Ended,
            });
        }
    }

    private static void AddPeople(AllianceDbContext db, IPasswordHasher<AllianceUser> hasher, ILookupNormalizer normalizer, DateTimeOffset now)
    {
        // One hash for the one demo password: hashing it 43 times would only slow every start.
        var passwordHash = hasher.HashPassword(new AllianceUser(), DemoUsers.Password);
        foreach (var person in DemoRegion.People)
        {
            var id = DemoRegion.Person(person.UserName);
            db.Users.Add(new AllianceUser
            {
                Id = id,
                UserName = person.UserName,
                NormalizedUserName = normalizer.NormalizeName(person.UserName),
                DisplayName = person.DisplayName,
                PasswordHash = passwordHash,
                SecurityStamp = Guid.NewGuid().ToString("N"),
                ConcurrencyStamp = Guid.NewGuid().ToString(),
                LockoutEnabled = true,
                IsDemo = true,
                CreatedAt = now,
            });
            foreach (var (role, organisation) in person.Roles)
            {
                db.RoleGrants.Add(new RoleGrant
                {
                    Id = new RoleGrantId(DemoRegion.IdOf($"grant/{person.UserName}/{role}/{organisation}")),
                    UserId = id, Role = role, OrganisationId = organisation, GrantedAt = now,
                });
            }
        }
    }

    private static void AddAgreements(AllianceDbContext db, DateTimeOffset now)
    {
        foreach (var a in DemoRegion.Agreements)
        {
            var community = DemoRegion.Communities[a.Community - 1];
            var unit = DemoRegion.Units[a.Unit - 1];
            db.Agreements.Add(new Agreement
            {
                Id = a.Id,
                CommunityId = DemoRegion.Community(a.Community),
                UnitId = DemoRegion.Unit(a.Unit),
                Title = $"{community.Name}与{unit.Name}社区服务合作协议",
                PeriodStart = new DateOnly(2026, 1, 1),
                PeriodEnd = new DateOnly(2026, 12, 31),
                Scope = a.Scope,
                CommunityOffers = a.CommunityOffers,
                UnitOffers = a.UnitOffers,
                Text = $"甲方：{community.Name}\n乙方：{unit.Name}\n一、合作范围：{a.Scope}。\n二、甲方提供：{a.CommunityOffers}。\n三、乙方提供：{a.UnitOffers}。\n四、协议期限：2026年1月1日至2026年12月31日。",
                Status = a.CancelReason is null ? AgreementStatus.Active : AgreementStatus.Cancelled,
                CancelReason = a.CancelReason,
                CancelledAt = a.CancelReason is null ? null : now,
                CreatedAt = now,
            });
        }
    }

    private static void AddResources(AllianceDbContext db, DateTimeOffset now)
    {
        foreach (var r in DemoRegion.Resources)
        {
            var community = r.Unit is { } unitNo ? DemoRegion.Units[unitNo - 1].Community : r.Community!.Value;
            var street = DemoRegion.Communities[community - 1].Street;
            var address = r.Unit is { } u
                ? DemoRegion.AddressOf(street, DemoRegion.Units[u - 1].Address)
                : DemoRegion.AddressOf(street, $"{DemoRegion.Communities[community - 1].Road}{community * 10 + 1}号{DemoRegion.Communities[community - 1].Name}党群服务中心");
            db.Add(new Resource
            {
                Id = DemoRegion.Resource(r.No),
                OwnerId = r.Unit is { } owner ? DemoRegion.Unit(owner) : DemoRegion.Community(community),
                AllianceId = DemoRegion.CommunityAlliance(community),
                StreetId = DemoRegion.Street(street),
                Kind = r.Kind,
                VenueType = r.VenueType,
                Name = r.Name,
                Description = r.Description,
                Categories = [.. r.Categories],
                Capacity = r.Capacity,
                Exclusive = r.Exclusive,
                RequiresApproval = r.RequiresApproval,
                SlotMinutes = r.SlotMinutes,
                OpeningHours = [.. r.Hours],
                Exceptions = [.. r.Exceptions],
                SuitableGroups = [.. r.Groups],
                Address = address,
                Status = ResourceStatus.Active,
                CreatedAt = now,
                UpdatedAt = now,
            });
        }
    }

    private static void AddNeedsAndCommitments(AllianceDbContext db, DateTimeOffset now)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(DemoRegion.RulesFor(AllianceLevel.Community).TimeZone);
        var today = TimeZoneInfo.ConvertTime(now, zone).Date;
        foreach (var n in DemoRegion.Needs)
        {
            var day = today.AddDays(5);
            while (day.DayOfWeek != n.Day)
            {
                day = day.AddDays(1);
            }

            db.Add(new Need
            {
                Id = DemoRegion.Need(n.No),
                CommunityId = DemoRegion.Community(n.Community),
                StreetId = DemoRegion.Street(DemoRegion.Communities[n.Community - 1].Street),
                AllianceId = DemoRegion.CommunityAlliance(n.Community),
                Title = n.Title,
                Category = n.Category,
                Description = n.Description,
                HeadCount = n.HeadCount,
                WantedFromUtc = TimeZoneInfo.ConvertTimeToUtc(day.AddHours(n.FromHour), zone),
                WantedToUtc = TimeZoneInfo.ConvertTimeToUtc(day.AddHours(n.ToHour), zone),
                CreatedUtc = now.UtcDateTime,
                UpdatedUtc = now.UtcDateTime,
            });
        }

        foreach (var c in DemoRegion.Commitments)
        {
            db.Add(new Commitment
            {
                Id = DemoRegion.Commitment(c.No),
                AllianceId = DemoRegion.CommunityAlliance(c.Community),
                UnitId = DemoRegion.Unit(c.Unit),
                Year = today.Year,
                Title = c.Title,
                Category = c.Category,
                TargetQuantity = c.Target,
                TargetUnit = c.TargetUnit,
                Schedule = c.Schedule,
                ResponsiblePerson = c.Responsible,
                CreatedUtc = now.UtcDateTime,
                UpdatedUtc = now.UtcDateTime,
            });
        }
    }
}
