using Alliance.Server.Features.Access;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;
using static Alliance.Server.Features.Notifications.NotificationsApi;

namespace Alliance.Server.Features.Notifications;

/// <summary>An organisation the person may set the group robots of, by name.</summary>
public sealed record ChannelsOrganisationChoice(Guid Id, string Name, OrganisationKind Kind);

/// <summary>
/// An organisation's group robots (企业微信群机器人, 钉钉群机器人 with its signing secret), for its administrators only:
/// stored encrypted (<see cref="ChannelSecrets"/>) and shown back masked. <c>/api/notifications/channels/{organisationId}</c>
/// and the page <c>/notifications/channels</c> both come here; 404 for an organisation out of scope, 403 for one the
/// person sees but may not administer.
/// </summary>
public static class OrganisationChannelOperations
{
    /// <summary>The organisations the person administers, by kind (district, street, community, unit) and name.</summary>
    public static async Task<IReadOnlyList<ChannelsOrganisationChoice>> AdministeredAsync(AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(db);
        var ids = scope.AdministeredOrganisationIds.ToList();
        var rows = await db.Organisations.AsNoTracking().Where(o => ids.Contains(o.Id) && o.Status == OrganisationStatus.Active)
            .Select(o => new ChannelsOrganisationChoice(o.Id.Value, o.Name, o.Kind)).ToListAsync(cancellationToken);
        return [.. rows.OrderBy(o => o.Kind).ThenBy(o => o.Name, StringComparer.Ordinal)];
    }

    public static async Task<ChannelsView> GetAsync(AccessScope scope, AllianceDbContext db, ChannelSecrets secrets, Guid organisationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        await DemandAdminAsync(scope, db, organisationId, cancellationToken);
        var row = await db.Set<OrganisationChannels>().AsNoTracking().SingleOrDefaultAsync(c => c.OrganisationId == organisationId, cancellationToken);
        return Masked(organisationId, row, secrets);
    }

    /// <summary>
    /// Sets the robots: a field left out (null) is kept, an empty string removes it. A webhook must be an absolute https URL
    /// (http only to a loopback address) carrying its token (<c>key</c> for WeCom, <c>access_token</c> for DingTalk); DingTalk
    /// needs its signing secret (<c>SEC…</c>). 400 naming each field in error, nothing saved then.
    /// </summary>
    public static async Task<ChannelsView> SaveAsync(
        AccessScope scope, AllianceDbContext db, ChannelSecrets secrets, TimeProvider time, Guid organisationId, ChannelsBody body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(body);
        await DemandAdminAsync(scope, db, organisationId, cancellationToken);
        var row = await db.Set<OrganisationChannels>().SingleOrDefaultAsync(c => c.OrganisationId == organisationId, cancellationToken);
        var errors = new FieldErrors();
        Webhook(errors, "weComWebhook", body.WeComWebhook, "key", new("企业微信群机器人地址", "WeCom robot webhook"));
        Webhook(errors, "dingTalkWebhook", body.DingTalkWebhook, "access_token", new("钉钉群机器人地址", "DingTalk robot webhook"));
        var dingTalkAfter = body.DingTalkWebhook is null ? row?.DingTalkWebhookProtected is not null : body.DingTalkWebhook.Length > 0;
        var secretAfter = body.DingTalkSecret is null ? row?.DingTalkSecretProtected is not null : body.DingTalkSecret.Length > 0;
        if (body.DingTalkSecret is { Length: > 0 } secret && (!secret.StartsWith("SEC", StringComparison.Ordinal) || secret.Length < 20 || secret.Length > 200 || secret.Any(char.IsWhiteSpace)))
        {
            errors.Add("dingTalkSecret", "钉钉加签密钥格式不正确（应以 SEC 开头）。", "The DingTalk signing secret is not valid (it starts with SEC).");
        }
        else if (dingTalkAfter && !secretAfter)
        {
            errors.Add("dingTalkSecret", "使用钉钉群机器人须填写加签密钥。", "The DingTalk robot needs its signing secret.");
        }

        errors.ThrowIfAny();
        if (row is null)
        {
            row = new OrganisationChannels { OrganisationId = organisationId };
            db.Add(row);
        }

        if (body.WeComWebhook is not null)
        {
            row.WeComWebhookProtected = secrets.Protect(ChannelSecrets.WeComWebhookPurpose, body.WeComWebhook.Trim());
        }

        if (body.DingTalkWebhook is not null)
        {
            row.DingTalkWebhookProtected = secrets.Protect(ChannelSecrets.DingTalkWebhookPurpose, body.DingTalkWebhook.Trim());
        }

        if (body.DingTalkSecret is not null)
        {
            row.DingTalkSecretProtected = secrets.Protect(ChannelSecrets.DingTalkSecretPurpose, body.DingTalkSecret.Trim());
        }

        row.UpdatedAt = time.GetUtcNow();
        row.UpdatedBy = scope.UserId;
        await db.SaveChangesAsync(cancellationToken);
        return Masked(organisationId, row, secrets);
    }

    private static void Webhook(FieldErrors errors, string field, string? value, string token, BilingualText name)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        var ok = Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
            && uri.Query.TrimStart('?').Split('&').Any(p => p.StartsWith(token + "=", StringComparison.Ordinal) && p.Length > token.Length + 1)
            && value.Length <= 500;
        if (!ok)
        {
            errors.Add(field, $"{name.Zh}格式不正确：须为 https 地址并带有 {token} 参数。", $"The {name.En} is not valid: it must be an https URL with its {token} parameter.");
        }
    }

    private static ChannelsView Masked(Guid organisationId, OrganisationChannels? row, ChannelSecrets secrets) =>
        new(organisationId,
            ChannelSecrets.MaskUrl(secrets.Unprotect(ChannelSecrets.WeComWebhookPurpose, row?.WeComWebhookProtected)),
            ChannelSecrets.MaskUrl(secrets.Unprotect(ChannelSecrets.DingTalkWebhookPurpose, row?.DingTalkWebhookProtected)),
            ChannelSecrets.MaskSecret(secrets.Unprotect(ChannelSecrets.DingTalkSecretPurpose, row?.DingTalkSecretProtected)),
            row?.UpdatedAt);

    private static async Task DemandAdminAsync(AccessScope scope, AllianceDbContext db, Guid organisationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var id = new OrganisationId(organisationId);
        if (!scope.CanSeeOrganisation(id) || !await db.Organisations.AnyAsync(o => o.Id == id, cancellationToken))
        {
            throw new NotFoundProblem(new BilingualText("组织", "organisation"));
        }

        scope.DemandAdminister(id);
    }
}
