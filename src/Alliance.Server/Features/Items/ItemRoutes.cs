using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Workflows;
using Alliance.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Items;

/// <summary>
/// Which route (workflow definition) each kind of item takes, and its inputs: the item's organisations and every
/// number of the alliance's rules of procedure at the moment the item starts (a later change of the rules does
/// not move a running item).
/// </summary>
public static class ItemRoutes
{
    public static string WorkflowOf(ItemKind kind) => kind switch
    {
        ItemKind.Deliberation => "deliberation",
        ItemKind.Decision => "decision",
        ItemKind.JointTask => "joint-task",
        ItemKind.Commitment => "commitment",
        ItemKind.ResourceRequest => "resource-request",
        _ => "urgent",
    };

    /// <summary>
    /// Starts <paramref name="item"/>'s route; the item, its first events, its audit entry and what <paramref name="alongside"/>
    /// writes are created in the route's first commit, so a route never exists without its item nor an item without its
    /// route. The correlation key is the item's id unless given. A failure of the item's side fails the start whole
    /// (<see cref="WorkflowConcurrencyException"/>): nothing of either is written.
    /// </summary>
    public static Task<InstanceId> StartAsync(
        WorkflowRuntime runtime, Item item, JsonObject input, Actor actor, AccessScope scope, OrganisationId onBehalfOf, IItemAlongside? alongside,
        string? correlationKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(actor);
        var command = new ItemCommand
        {
            ItemId = item.Id, Name = "item.submitted", Actor = actor.Id, OnBehalfOf = onBehalfOf, Scope = scope, Creates = new(item, onBehalfOf, alongside),
        };
        return runtime.StartAsync(WorkflowOf(item.Kind), input, actor, correlationKey: correlationKey ?? item.Id.ToString(), context: command.Context,
            cancellationToken: cancellationToken);
    }

    /// <summary>The active member organisations of an alliance (units, and communities in a street alliance).</summary>
    public static async Task<List<Organisation>> MembersAsync(AllianceDbContext db, AllianceId alliance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var ids = await db.AllianceMemberships.AsNoTracking()
            .Where(m => m.AllianceId == alliance && m.Status == MembershipStatus.Active)
            .Select(m => m.OrganisationId).ToListAsync(cancellationToken);
        return await db.Organisations.AsNoTracking()
            .Where(o => ids.Contains(o.Id) && o.Status == OrganisationStatus.Active)
            .OrderBy(o => o.Name).ToListAsync(cancellationToken);
    }

    /// <summary>The units a joint task is published to: the designated one, else the member units whose service categories match, else every member unit.</summary>
    public static List<OrganisationId> CandidateUnits(IReadOnlyList<Organisation> members, string category, OrganisationId? designated)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (designated is { } one)
        {
            return [one];
        }

        var units = members.Where(m => m.Kind == OrganisationKind.Unit).ToList();
        var matching = units.Where(u => u.ServiceCategories.Contains(category, StringComparer.Ordinal)).ToList();
        return [.. (matching.Count > 0 ? matching : units).Select(u => u.Id)];
    }

    public static JsonObject Inputs(Item item, PartyAlliance alliance, IReadOnlyList<Organisation> members, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(alliance);
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(time);
        var rules = alliance.Rules;
        var input = new JsonObject
        {
            ["itemId"] = item.Id.ToString(),
            ["allianceId"] = alliance.Id.ToString(),
            ["hostId"] = item.HostOrganisationId.ToString(),
            ["streetId"] = item.StreetId.ToString(),
            ["requesterId"] = item.SubmitterOrganisationId.ToString(),
            ["members"] = Ids(members.Select(m => m.Id)),
            ["reminders"] = new JsonArray([.. rules.ReminderOffsets.Select(o => JsonValue.Create(Iso(o)))]),
            ["intakeReviewDeadline"] = Iso(rules.IntakeReviewDeadline),
            ["verificationDeadline"] = Iso(rules.VerificationDeadline),
            ["maxReworks"] = rules.MaxReworks,
            ["claimWindow"] = Iso(rules.ClaimWindow),
            ["opinionWindow"] = Iso(rules.OpinionWindow),
            ["urgentResponseWindow"] = Iso(rules.UrgentResponseWindow),
            ["urgentFirstResponseLimit"] = Iso(rules.UrgentFirstResponseLimit),
            ["urgentRemainingWindow"] = Iso(rules.UrgentResponseWindow - rules.UrgentFirstResponseLimit),
            ["urgentTaskHours"] = (int)rules.UrgentTaskDeadline.TotalHours,
            ["voteWindow"] = Iso(rules.OpinionWindow),
            ["quorum"] = Share(rules.Quorum),
            ["passThreshold"] = Share(rules.QualifiedCategories.Contains(item.Category, StringComparer.Ordinal) ? rules.QualifiedPassThreshold : rules.PassThreshold),
            ["candidateUnits"] = Ids(CandidateUnits(members, item.Category, item.DesignatedUnitId)),
            ["decideAt"] = rules.DecisionsAt == DecisionVenue.Meeting ? "meeting" : "written",
        };
        if (item.DesiredDate is { } desired)
        {
            input["workDue"] = EndOfDay(desired, rules.TimeZone).ToString("O", CultureInfo.InvariantCulture);
        }

        return input;
    }

    /// <summary>
    /// The inputs of the deliberation the street alliance opens when a community deliberation escalates
    /// (<c>streetRoute</c>): the street alliance over the community's street (active, level street, hosted by the
    /// street), its members and its rules of procedure as they stand now, with the community as the requester.
    /// Null when the item is not a deliberation of a community alliance, or the street has no active alliance: the
    /// route then hands the item to the street chair as a task.
    /// </summary>
    public static async Task<JsonObject?> StreetRouteAsync(AllianceDbContext db, Item item, PartyAlliance alliance, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(alliance);
        if (item.Kind != ItemKind.Deliberation || alliance.Level != AllianceLevel.Community)
        {
            return null;
        }

        var street = (await db.Alliances.AsNoTracking()
            .Where(a => a.Level == AllianceLevel.Street && a.Status == AllianceStatus.Active && a.HostOrganisationId == item.StreetId)
            .ToListAsync(cancellationToken)).OrderBy(a => a.CreatedAt).FirstOrDefault();
        if (street is null)
        {
            return null;
        }

        var escalated = new Item
        {
            Id = item.Id,
            Kind = item.Kind,
            Title = item.Title,
            Description = item.Description,
            Category = item.Category,
            AllianceId = street.Id,
            HostOrganisationId = street.HostOrganisationId,
            StreetId = item.StreetId,
            Scope = ItemScope.Street,
            DesiredDate = item.DesiredDate,
            SubmitterOrganisationId = item.HostOrganisationId,
        };
        var input = Inputs(escalated, street, await MembersAsync(db, street.Id, cancellationToken), time);
        input["scope"] = "street";
        input["category"] = item.Category;
        input["title"] = item.Title;
        return input;
    }

    /// <summary>The end of <paramref name="date"/> in the alliance's time zone, in UTC.</summary>
    public static DateTime EndOfDay(DateOnly date, string timeZone)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        var local = date.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }

    /// <summary>An exact share as the routes compare it: <c>{ inclusive, num, den }</c> (integers, so no rounding moves a vote across the line).</summary>
    public static JsonObject Share(Threshold share) => new() { ["inclusive"] = share.Inclusive, ["num"] = share.Numerator, ["den"] = share.Denominator };

    public static string Iso(TimeSpan value) => XmlConvert.ToString(value);

    private static JsonArray Ids(IEnumerable<OrganisationId> ids) => new([.. ids.Select(i => JsonValue.Create(i.ToString()))]);
}
