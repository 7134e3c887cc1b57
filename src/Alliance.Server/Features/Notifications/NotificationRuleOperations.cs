using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;
using static Alliance.Server.Features.Notifications.NotificationsApi;

namespace Alliance.Server.Features.Notifications;

/// <summary>An alliance's rules as a page shows them: its name, whether the person may change them, and each rule.</summary>
public sealed record AllianceRules(Guid AllianceId, string AllianceName, bool CanChange, IReadOnlyList<RuleView> Rules);

/// <summary>An alliance the person can see, by name.</summary>
public sealed record RulesAllianceChoice(Guid Id, string Name, AllianceLevel Level);

/// <summary>
/// An alliance's notification rules (<see cref="NotificationTopics"/>): whoever sees the alliance reads them (404
/// otherwise); an administrator of its host organisation changes one (403 otherwise, 404 for an unknown topic).
/// <c>/api/notifications/rules/…</c> and the page <c>/notifications/rules</c> both come here.
/// </summary>
public static class NotificationRuleOperations
{
    /// <summary>The alliances the person can see, street alliances first, by name.</summary>
    public static async Task<IReadOnlyList<RulesAllianceChoice>> VisibleAlliancesAsync(AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(db);
        var ids = scope.VisibleAllianceIds.ToList();
        var rows = await db.Alliances.AsNoTracking().Where(a => ids.Contains(a.Id)).Select(a => new RulesAllianceChoice(a.Id.Value, a.Name, a.Level)).ToListAsync(cancellationToken);
        return [.. rows.OrderBy(a => a.Level).ThenBy(a => a.Name, StringComparer.Ordinal)];
    }

    public static async Task<IReadOnlyList<RuleView>> ListAsync(AccessScope scope, AllianceDbContext db, Guid allianceId, CancellationToken cancellationToken) =>
        (await ReadAsync(scope, db, allianceId, cancellationToken)).Rules;

    /// <summary>Every rule with its effective setting (the default where the alliance has set none).</summary>
    public static async Task<AllianceRules> ReadAsync(AccessScope scope, AllianceDbContext db, Guid allianceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var alliance = await VisibleAllianceAsync(scope, db, allianceId, cancellationToken);
        var rows = await db.Set<AllianceNotificationRule>().AsNoTracking().Where(r => r.AllianceId == allianceId).ToDictionaryAsync(r => r.Topic, cancellationToken);
        return new(allianceId, alliance.Name, scope.CanAdministerOrganisation(alliance.HostOrganisationId),
            [.. NotificationTopics.All.Select(t => View(t, rows.GetValueOrDefault(t.Name)))]);
    }

    /// <summary>Changes what <paramref name="body"/> gives (null keeps; empty roles: the rule's default).</summary>
    public static async Task<RuleView> SaveAsync(
        AccessScope scope, AllianceDbContext db, TimeProvider time, Guid allianceId, string topic, RuleBody body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(body);
        var alliance = await VisibleAllianceAsync(scope, db, allianceId, cancellationToken);
        if (!NotificationTopics.TryGet(topic, out var definition))
        {
            throw new NotFoundProblem(new BilingualText("通知规则", "notification rule"));
        }

        scope.DemandAdminister(alliance.HostOrganisationId);
        var row = await db.Set<AllianceNotificationRule>().SingleOrDefaultAsync(r => r.AllianceId == allianceId && r.Topic == topic, cancellationToken);
        if (row is null)
        {
            row = new AllianceNotificationRule { AllianceId = allianceId, Topic = topic };
            db.Add(row);
        }

        row.Enabled = body.Enabled ?? row.Enabled;
        row.Roles = body.Roles is null ? row.Roles : [.. body.Roles.Distinct().Order()];
        row.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return View(definition, row);
    }

    private static RuleView View(NotificationTopic topic, AllianceNotificationRule? row) =>
        new(topic.Name, row?.Enabled ?? true, topic.Urgent, row is { Roles.Count: > 0 } ? row.Roles : topic.DefaultRoles, row is null);

    private static async Task<PartyAlliance> VisibleAllianceAsync(AccessScope scope, AllianceDbContext db, Guid allianceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var id = new AllianceId(allianceId);
        var alliance = scope.CanSeeAlliance(id) ? await db.Alliances.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, cancellationToken) : null;
        return alliance ?? throw new NotFoundProblem(new BilingualText("联盟", "alliance"));
    }
}
