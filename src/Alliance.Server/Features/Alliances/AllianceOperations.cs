using Alliance.Contracts.Alliances;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Audit;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.People;
using Alliance.Server.Features.Resources;
using Alliance.Server.Infrastructure.Messaging.Outbox;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;
using static Alliance.Server.Features.Alliances.AlliancesApi;

namespace Alliance.Server.Features.Alliances;

/// <summary>
/// Alliances, their rules of procedure and their members, the code both <c>/api/alliances</c> and the web UI's 联盟
/// pages run: what the caller sees (404 otherwise), founding an alliance, renaming it, replacing its rules, admitting,
/// changing and ending memberships, each allowed only to whoever administers the host street or community (403
/// otherwise), audited and announced on the bus.
/// </summary>
public static class AllianceOperations
{
    public static async Task<List<AllianceResponse>> ListAsync(AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken)
    {
        var visible = scope.VisibleAllianceIds.ToList();
        var alliances = await db.Alliances.AsNoTracking().Where(a => visible.Contains(a.Id)).ToListAsync(cancellationToken);
        return [.. alliances.OrderBy(a => a.Level).ThenBy(a => a.Name, StringComparer.Ordinal).Select(a => AllianceResponse.From(a, null))];
    }

    public static async Task<AllianceResponse> GetAsync(AllianceId id, AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken)
    {
        var alliance = await FindVisibleAsync(db, scope, id, cancellationToken);
        return AllianceResponse.From(alliance, await MembersAsync(db, id, cancellationToken));
    }

    public static async Task<AllianceResponse> CreateAsync(
        CreateAllianceRequest request, AccessScope scope, AllianceDbContext db, AuditTrail audit, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        errors.Required("level", request.Level, new("联盟层级", "level"));
        errors.Text("name", request.Name, new("名称", "name"), 200);
        Organisation? host = null;
        if (request.HostOrganisationId is not OrganisationId hostId)
        {
            errors.Add("hostOrganisationId", "请选择牵头的街道或社区。", "The host street or community is required.");
        }
        else
        {
            host = await db.Organisations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == hostId, cancellationToken);
            if (host is null || !scope.CanSeeOrganisation(host.Id))
            {
                errors.Unknown("hostOrganisationId", new("牵头组织", "host organisation"));
                host = null;
            }
            else if (request.Level is AllianceLevel level && host.Kind != PartyAlliance.HostKindOf(level))
            {
                errors.Add("hostOrganisationId", "大党工委由街道牵头，区域化党建联盟由社区牵头。",
                    "A street alliance is hosted by a street, a community alliance by a community.");
            }
        }

        // a street committee (大党工委) meets quarterly, a community alliance monthly, unless the request says otherwise
        var rules = request.Rules ?? (request.Level == AllianceLevel.Street ? new RulesOfProcedure { MeetingSchedule = "0 9 5 1,4,7,10 *" } : new RulesOfProcedure());
        rules.Validate(errors, "rules.");
        errors.ThrowIfAny();
        scope.DemandAdminister(host!.Id);

        var alliance = new PartyAlliance
        {
            Id = AllianceId.New(),
            Level = request.Level!.Value,
            Name = request.Name!.Trim(),
            HostOrganisationId = host.Id,
            Status = AllianceStatus.Active,
            Rules = rules,
            CreatedAt = time.GetUtcNow(),
        };
        db.Alliances.Add(alliance);
        var response = AllianceResponse.From(alliance, []);
        await audit.SaveAsync(new("alliance.created", "alliance", alliance.Id.ToString(), scope.AdministeringOrganisationFor(host.Id), null, response), cancellationToken);
        return response;
    }

    public static async Task<AllianceResponse> RenameAsync(
        AllianceId id, UpdateAllianceRequest request, AccessScope scope, AllianceDbContext db, AuditTrail audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var alliance = await FindVisibleAsync(db, scope, id, cancellationToken, tracked: true);
        scope.DemandAdminister(alliance.HostOrganisationId);
        new FieldErrors().Text("name", request.Name, new("名称", "name"), 200).ThrowIfAny();
        var before = new { alliance.Name };
        alliance.Name = request.Name!.Trim();
        db.AddOutboxEvent(new AllianceChanged(id.Value, "alliance.renamed", alliance.Name));
        await audit.SaveAsync(new("alliance.renamed", "alliance", id.ToString(), scope.AdministeringOrganisationFor(alliance.HostOrganisationId),
            before, new { alliance.Name }), cancellationToken);
        return AllianceResponse.From(alliance, null);
    }

    public static async Task<RulesOfProcedure> GetRulesAsync(AllianceId id, AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken)
    {
        var alliance = await FindVisibleAsync(db, scope, id, cancellationToken);
        return alliance.Rules;
    }

    public static async Task<VocabulariesResponse> GetVocabulariesAsync(AllianceId id, AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken)
    {
        var alliance = await FindVisibleAsync(db, scope, id, cancellationToken);
        return new VocabulariesResponse(
            id, alliance.Rules.Categories, alliance.Rules.QualifiedCategories,
            [ItemKind.Deliberation, ItemKind.Decision, ItemKind.JointTask, ItemKind.Urgent], Enum.GetValues<ItemScope>(),
            Enum.GetValues<ResourceKind>(), Enum.GetValues<VenueType>(), Enum.GetValues<UnitType>());
    }

    public static async Task<RulesOfProcedure> SetRulesAsync(
        AllianceId id, RulesOfProcedure rules, AccessScope scope, AllianceDbContext db, AuditTrail audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var alliance = await FindVisibleAsync(db, scope, id, cancellationToken, tracked: true);
        scope.DemandAdminister(alliance.HostOrganisationId);
        var errors = new FieldErrors();
        rules.Validate(errors);
        errors.ThrowIfAny();
        var before = alliance.Rules;
        alliance.Rules = rules;
        db.AddOutboxEvent(new AllianceChanged(id.Value, "alliance.rules-changed", alliance.Name));
        await audit.SaveAsync(new("alliance.rules-changed", "alliance", id.ToString(), scope.AdministeringOrganisationFor(alliance.HostOrganisationId),
            before, rules), cancellationToken);
        return rules;
    }

    public static async Task<IReadOnlyList<MembershipResponse>> ListMembershipsAsync(
        AllianceId id, AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken)
    {
        await FindVisibleAsync(db, scope, id, cancellationToken);
        return await MembersAsync(db, id, cancellationToken);
    }

    public static async Task<MembershipResponse> AddMembershipAsync(
        AllianceId id, MembershipRequest request, AccessScope scope, AllianceDbContext db, AuditTrail audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var alliance = await FindVisibleAsync(db, scope, id, cancellationToken);
        scope.DemandAdminister(alliance.HostOrganisationId);
        var errors = new FieldErrors();
        Organisation? member = null;
        if (request.OrganisationId is not OrganisationId memberId)
        {
            errors.Add("organisationId", "请选择成员单位。", "The member organisation is required.");
        }
        else
        {
            member = await db.Organisations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == memberId, cancellationToken);
            if (member is null || !scope.CanSeeOrganisation(member.Id))
            {
                errors.Unknown("organisationId", new("成员单位", "member organisation"));
                member = null;
            }
            else if (!await MayJoinAsync(db, alliance, member, cancellationToken))
            {
                errors.Add("organisationId", alliance.Level == AllianceLevel.Street
                        ? "大党工委的成员须是本街道的社区或驻街道共建单位。"
                        : "区域化党建联盟的成员须是本街道内的共建单位。",
                    alliance.Level == AllianceLevel.Street
                        ? "A street alliance's members are the street's communities and the units located in the street."
                        : "A community alliance's members are co-building units located in the same street.");
            }
            else if (await db.AllianceMemberships.AnyAsync(m => m.AllianceId == id && m.OrganisationId == memberId && m.Status == MembershipStatus.Active, cancellationToken))
            {
                throw new ConflictProblem("membership.already-member", new("该单位已是本联盟成员。", "The organisation is already a member of this alliance."));
            }
        }

        await ValidateMembershipAsync(db, errors, member?.Id, request.PartTimeMemberId, request.Since, request.Until, cancellationToken);
        errors.ThrowIfAny();

        var membership = new AllianceMembership
        {
            Id = MembershipId.New(),
            AllianceId = id,
            OrganisationId = member!.Id,
            PartTimeMemberId = request.PartTimeMemberId,
            Since = request.Since!.Value,
            Until = request.Until,
            Status = MembershipStatus.Active,
        };
        db.AllianceMemberships.Add(membership);
        var response = await DescribeAsync(db, membership, cancellationToken);
        db.AddOutboxEvent(new AllianceChanged(id.Value, "membership.added", alliance.Name));
        await audit.SaveAsync(new("membership.added", "membership", membership.Id.ToString(), scope.AdministeringOrganisationFor(alliance.HostOrganisationId),
            null, response), cancellationToken);
        return response;
    }

    public static async Task<MembershipResponse> UpdateMembershipAsync(
        AllianceId id, MembershipId membershipId, MembershipRequest request, AccessScope scope, AllianceDbContext db, AuditTrail audit,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (alliance, membership) = await FindMembershipAsync(db, scope, id, membershipId, cancellationToken);
        scope.DemandAdminister(alliance.HostOrganisationId);
        var errors = new FieldErrors();
        if (request.OrganisationId is OrganisationId other && other != membership.OrganisationId)
        {
            errors.Add("organisationId", "成员单位不能更改；请让其退出后新增。", "The member cannot be changed; end this membership and add a new one.");
        }

        await ValidateMembershipAsync(db, errors, membership.OrganisationId, request.PartTimeMemberId, request.Since, request.Until, cancellationToken);
        errors.ThrowIfAny();
        var before = await DescribeAsync(db, membership, cancellationToken);
        membership.PartTimeMemberId = request.PartTimeMemberId;
        membership.Since = request.Since!.Value;
        membership.Until = request.Until;
        var after = await DescribeAsync(db, membership, cancellationToken);
        db.AddOutboxEvent(new AllianceChanged(id.Value, "membership.updated", alliance.Name));
        await audit.SaveAsync(new("membership.updated", "membership", membershipId.ToString(), scope.AdministeringOrganisationFor(alliance.HostOrganisationId),
            before, after), cancellationToken);
        return after;
    }

    public static async Task<MembershipResponse> EndMembershipAsync(
        AllianceId id, MembershipId membershipId, EndMembershipRequest request, AccessScope scope, AllianceDbContext db, AuditTrail audit,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (alliance, membership) = await FindMembershipAsync(db, scope, id, membershipId, cancellationToken);
        scope.DemandAdminister(alliance.HostOrganisationId);
        if (membership.Status == MembershipStatus.Ended)
        {
            throw new ConflictProblem("membership.already-ended", new("该成员已退出。", "The membership has already ended."));
        }

        var errors = new FieldErrors();
        errors.Required("until", request.Until, new("退出日期", "end date"));
        if (request.Until is DateOnly until && until < membership.Since)
        {
            errors.Add("until", "退出日期不能早于加入日期。", "The end date cannot be before the start date.");
        }

        errors.ThrowIfAny();
        var before = await DescribeAsync(db, membership, cancellationToken);
        membership.Until = request.Until;
        membership.Status = MembershipStatus.Ended;
        var after = await DescribeAsync(db, membership, cancellationToken);
        db.AddOutboxEvent(new AllianceChanged(id.Value, "membership.ended", alliance.Name));
        await audit.SaveAsync(new("membership.ended", "membership", membershipId.ToString(), scope.AdministeringOrganisationFor(alliance.HostOrganisationId),
            before, after), cancellationToken);
        return after;
    }

    /// <summary>The alliance, or 404 if it does not exist or the caller cannot see it.</summary>
    public static async Task<PartyAlliance> FindVisibleAsync(
        AllianceDbContext db, AccessScope scope, AllianceId id, CancellationToken cancellationToken, bool tracked = false)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(scope);
        if (!scope.CanSeeAlliance(id))
        {
            throw new NotFoundProblem(Thing);
        }

        var query = tracked ? db.Alliances : db.Alliances.AsNoTracking();
        return await query.SingleOrDefaultAsync(a => a.Id == id, cancellationToken) ?? throw new NotFoundProblem(Thing);
    }

    private static async Task<(PartyAlliance Alliance, AllianceMembership Membership)> FindMembershipAsync(
        AllianceDbContext db, AccessScope scope, AllianceId id, MembershipId membershipId, CancellationToken cancellationToken)
    {
        var alliance = await FindVisibleAsync(db, scope, id, cancellationToken);
        var membership = await db.AllianceMemberships.SingleOrDefaultAsync(m => m.Id == membershipId && m.AllianceId == id, cancellationToken)
            ?? throw new NotFoundProblem(MembershipThing);
        return (alliance, membership);
    }

    private static async Task<bool> MayJoinAsync(AllianceDbContext db, PartyAlliance alliance, Organisation member, CancellationToken cancellationToken)
    {
        if (member.Kind == OrganisationKind.Community)
        {
            return alliance.Level == AllianceLevel.Street && member.ParentId == alliance.HostOrganisationId;
        }

        if (member.Kind != OrganisationKind.Unit || member.ParentId is not OrganisationId communityId)
        {
            return false;
        }

        var streetOfUnit = await db.Organisations.Where(o => o.Id == communityId).Select(o => o.ParentId).SingleOrDefaultAsync(cancellationToken);
        var streetOfAlliance = alliance.Level == AllianceLevel.Street
            ? alliance.HostOrganisationId
            : await db.Organisations.Where(o => o.Id == alliance.HostOrganisationId).Select(o => o.ParentId).SingleOrDefaultAsync(cancellationToken);
        return streetOfUnit is not null && streetOfUnit == streetOfAlliance;
    }

    private static async Task ValidateMembershipAsync(
        AllianceDbContext db, FieldErrors errors, OrganisationId? member, Guid? partTimeMemberId, DateOnly? since, DateOnly? until,
        CancellationToken cancellationToken)
    {
        errors.Required("since", since, new("加入日期", "start date"));
        if (since is DateOnly s && until is DateOnly u && u < s)
        {
            errors.Add("until", "退出日期不能早于加入日期。", "The end date cannot be before the start date.");
        }

        if (partTimeMemberId is Guid person && member is OrganisationId org
            && !await db.RoleGrants.AnyAsync(g => g.UserId == person && g.OrganisationId == org && g.Role == AllianceRole.PartTimeMember && g.RevokedAt == null, cancellationToken))
        {
            errors.Add("partTimeMemberId", "兼职委员须是该单位在册的兼职委员（PartTimeMember 角色）。",
                "The part-time member must hold the PartTimeMember role for this member organisation.");
        }
    }

    private static async Task<IReadOnlyList<MembershipResponse>> MembersAsync(AllianceDbContext db, AllianceId id, CancellationToken cancellationToken)
    {
        var rows = await (
                from m in db.AllianceMemberships.AsNoTracking()
                join o in db.Organisations on m.OrganisationId equals o.Id
                join u in db.Users on m.PartTimeMemberId equals u.Id into people
                from p in people.DefaultIfEmpty()
                where m.AllianceId == id
                select new MembershipResponse(m.Id, m.AllianceId, m.OrganisationId, o.Name, m.PartTimeMemberId, p == null ? null : p.DisplayName, m.Since, m.Until, m.Status))
            .ToListAsync(cancellationToken);
        return [.. rows.OrderBy(r => r.Status).ThenBy(r => r.Since).ThenBy(r => r.OrganisationName, StringComparer.Ordinal)];
    }

    private static async Task<MembershipResponse> DescribeAsync(AllianceDbContext db, AllianceMembership m, CancellationToken cancellationToken)
    {
        var name = await db.Organisations.Where(o => o.Id == m.OrganisationId).Select(o => o.Name).SingleAsync(cancellationToken);
        var person = m.PartTimeMemberId is Guid p
            ? await db.Users.Where(u => u.Id == p).Select(u => u.DisplayName).SingleOrDefaultAsync(cancellationToken)
            : null;
        return new MembershipResponse(m.Id, m.AllianceId, m.OrganisationId, name, m.PartTimeMemberId, person, m.Since, m.Until, m.Status);
    }
}
