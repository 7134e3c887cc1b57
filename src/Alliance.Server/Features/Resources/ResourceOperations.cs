using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Audit;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;
using static Alliance.Server.Features.Resources.ResourcesApi;

namespace Alliance.Server.Features.Resources;

/// <summary>
/// The shared-resource registry's writes (登记、修改、撤下共享资源). The API (<see cref="ResourcesApi"/>) and the web UI
/// (/resources/new, /resources/{id}/edit) both come here; scope is checked here: 404 when the caller cannot see the
/// resource, 403 when they may see it but not manage its owner (<see cref="ResourcesApi.DemandManage"/>).
/// </summary>
public sealed class ResourceOperations(AllianceDbContext db, AuditTrail audit, TimeProvider time)
{
    /// <summary>The words of the 409 an edit of a withdrawn resource gets.</summary>
    public static readonly BilingualText WithdrawnText = new("该资源已撤下，不能修改。", "The resource is withdrawn and cannot be edited.");

    /// <summary>The active units and communities the caller may register a resource for: those they act for, then those they administer.</summary>
    public async Task<IReadOnlyList<ResourceOwnerChoice>> OwnersAsync(AccessScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var ids = scope.ActingOrganisationIds.Union(scope.AdministeredOrganisationIds).ToList();
        var owners = await db.Organisations.AsNoTracking()
            .Where(o => ids.Contains(o.Id) && (o.Kind == OrganisationKind.Unit || o.Kind == OrganisationKind.Community) && o.Status == OrganisationStatus.Active)
            .Select(o => new { o.Id, o.Name }).ToListAsync(cancellationToken);
        return [.. owners.OrderBy(o => scope.CanActFor(o.Id) ? 0 : 1).ThenBy(o => o.Name, StringComparer.Ordinal).Select(o => new ResourceOwnerChoice(o.Id, o.Name))];
    }

    /// <summary>The service categories the owners may use (the lists of the alliances they host or belong to).</summary>
    public async Task<IReadOnlyList<string>> CategoriesAsync(IEnumerable<OrganisationId> owners, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owners);
        var all = new List<string>();
        foreach (var owner in owners.Distinct())
        {
            all.AddRange(await CategoryVocabulary.ForOrganisationAsync(db, owner, cancellationToken));
        }

        return [.. all.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>A resource to edit, with the checks of <see cref="UpdateAsync"/> before any field: 404 unseen, 403 not a manager of its owner.</summary>
    public async Task<ResourceResponse> GetForEditAsync(AccessScope scope, ResourceId id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var resource = await FindVisibleAsync(db, scope, id, cancellationToken);
        DemandManage(scope, resource.OwnerId);
        return await ResponseAsync(db, resource, cancellationToken);
    }

    /// <summary>Registers a resource for an owner the caller may manage (400 per field, 403 not a manager of the owner); nothing is stored until every field is valid.</summary>
    public async Task<ResourceResponse> RegisterAsync(AccessScope scope, RegisterResourceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        Organisation? owner = null;
        if (request.OwnerId is not { } ownerId)
        {
            errors.Add("ownerId", "请选择资源所属单位或社区。", "The owner (a unit or a community) is required.");
        }
        else
        {
            owner = scope.CanSeeOrganisation(ownerId) || scope.CanActFor(ownerId)
                ? await db.Organisations.AsNoTracking().SingleOrDefaultAsync(x => x.Id == ownerId, cancellationToken)
                : null;
            if (owner is null || owner.Kind is not (OrganisationKind.Unit or OrganisationKind.Community) || owner.Status != OrganisationStatus.Active)
            {
                errors.Unknown("ownerId", new("所属单位或社区", "owner unit or community"));
                owner = null;
            }
        }

        var validated = Validate(errors, request);
        AllianceId? allianceId = null;
        if (owner is not null)
        {
            allianceId = await SharingAllianceAsync(errors, owner, request.AllianceId, cancellationToken);
            await CheckCategoriesAsync(errors, allianceId, validated, cancellationToken);
        }

        errors.ThrowIfAny();
        DemandManage(scope, owner!.Id);
        var now = time.GetUtcNow();
        var resource = new Resource
        {
            Id = ResourceId.New(),
            OwnerId = owner.Id,
            AllianceId = allianceId!.Value,
            StreetId = await StreetOfAsync(owner, cancellationToken),
            Name = request.Name!.Trim(),
            Description = request.Description!.Trim(),
            Address = request.Address?.Trim() is { Length: > 0 } address ? address : owner.Address ?? "",
            Status = ResourceStatus.Active,
            CreatedAt = now,
            UpdatedAt = now,
        };
        Apply(resource, request, validated);
        if (string.IsNullOrEmpty(resource.Address))
        {
            throw Alliance.Server.Infrastructure.Problems.ValidationProblem.For("address", "请填写地址。", "The address is required.");
        }

        db.Add(resource);
        var response = ResourceResponse.From(resource, owner.Name);
        await audit.SaveAsync(new("resource.registered", "resource", resource.Id.ToString(), OnBehalfOf(scope, owner.Id), null, response), cancellationToken);
        return response;
    }

    /// <summary>Edits a resource (404 unseen, 403 not a manager of its owner, 409 withdrawn, 400 per field); the owner cannot change.</summary>
    public async Task<ResourceResponse> UpdateAsync(AccessScope scope, ResourceId id, RegisterResourceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(request);
        var resource = await FindVisibleAsync(db, scope, id, cancellationToken, tracked: true);
        DemandManage(scope, resource.OwnerId);
        if (resource.Status == ResourceStatus.Withdrawn)
        {
            throw new ConflictProblem("resource.withdrawn", WithdrawnText);
        }

        var errors = new FieldErrors();
        if (request.OwnerId is { } ownerId && ownerId != resource.OwnerId)
        {
            errors.Add("ownerId", "资源的所属单位不能更改。", "The owner of a resource cannot be changed.");
        }

        var validated = Validate(errors, request);
        var owner = await db.Organisations.AsNoTracking().SingleAsync(o => o.Id == resource.OwnerId, cancellationToken);
        var allianceId = await SharingAllianceAsync(errors, owner, request.AllianceId ?? resource.AllianceId, cancellationToken);
        await CheckCategoriesAsync(errors, allianceId, validated, cancellationToken);
        errors.ThrowIfAny();
        var before = ResourceResponse.From(resource, owner.Name);
        resource.Name = request.Name!.Trim();
        resource.Description = request.Description!.Trim();
        resource.AllianceId = allianceId!.Value;
        if (request.Address?.Trim() is { Length: > 0 } address)
        {
            resource.Address = address;
        }

        Apply(resource, request, validated);
        resource.UpdatedAt = time.GetUtcNow();
        resource.Revision++;
        var after = ResourceResponse.From(resource, owner.Name);
        await SaveAsync(new("resource.updated", "resource", resource.Id.ToString(), OnBehalfOf(scope, resource.OwnerId), before, after), cancellationToken);
        return after;
    }

    /// <summary>Takes a resource out of the catalogue with a required reason (404 unseen, 403 not a manager, 409 already withdrawn); the record and its bookings stay.</summary>
    public async Task<ResourceResponse> WithdrawAsync(AccessScope scope, ResourceId id, WithdrawResourceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(request);
        var resource = await FindVisibleAsync(db, scope, id, cancellationToken, tracked: true);
        DemandManage(scope, resource.OwnerId);
        if (resource.Status == ResourceStatus.Withdrawn)
        {
            throw new ConflictProblem("resource.withdrawn", new("该资源已撤下。", "The resource is already withdrawn."));
        }

        new FieldErrors().Text("reason", request.Reason, new("撤下原因", "reason"), 500).ThrowIfAny();
        var before = await ResponseAsync(db, resource, cancellationToken);
        resource.Status = ResourceStatus.Withdrawn;
        resource.UpdatedAt = time.GetUtcNow();
        resource.Revision++;
        var after = await ResponseAsync(db, resource, cancellationToken);
        await SaveAsync(new("resource.withdrawn", "resource", resource.Id.ToString(), OnBehalfOf(scope, resource.OwnerId), before,
            new { after, reason = request.Reason!.Trim() }), cancellationToken);
        return after;
    }

    private sealed record Validated(ResourceKind Kind, VenueType? VenueType, List<string> Categories, List<string> Groups);

    private static Validated Validate(FieldErrors errors, RegisterResourceRequest request)
    {
        var kind = ParseKind(errors, "kind", request.Kind, required: true);
        VenueType? venueType = null;
        if (!string.IsNullOrWhiteSpace(request.VenueType))
        {
            if (TryParse<VenueType>(request.VenueType, out var parsed))
            {
                venueType = parsed;
            }
            else
            {
                errors.Add("venueType", "场地类型须为 activityRoom（活动室）、hall（礼堂）、sharedPartyHome（党建共享之家）、openOrganisationalLifeBase（开放式组织生活基地）或 other。",
                    "The venue type must be activityRoom, hall, sharedPartyHome, openOrganisationalLifeBase or other.");
            }
        }

        if (kind is { } k && k != ResourceKind.Venue && venueType is not null)
        {
            errors.Add("venueType", "只有场地有场地类型。", "Only a venue has a venue type.");
        }
        else if (kind == ResourceKind.Venue && venueType is null && !errors.Has("venueType"))
        {
            errors.Add("venueType", "请选择场地类型。", "The venue type is required for a venue.");
        }

        errors.Text("name", request.Name, new("名称", "name"), 200);
        errors.Text("description", request.Description, new("介绍", "description"), 4000);
        errors.Text("address", request.Address, new("地址", "address"), 300, required: false);
        errors.Text("contact", request.Contact, new("联系人", "contact"), 200, required: false);
        var categories = Clean(request.Categories);
        if (categories.Count == 0)
        {
            errors.Add("categories", "请至少选择一个服务类别（如 养老、医疗、教育、文体、场地）。", "At least one service category is required (e.g. 养老, 医疗, 教育, 文体, 场地).");
        }
        else if (categories.Count > 20 || categories.Exists(c => c.Length > 20))
        {
            errors.Add("categories", "服务类别最多 20 个，每个 1 到 20 个字符。", "At most 20 service categories, each 1 to 20 characters.");
        }

        var groups = Clean(request.SuitableGroups);
        if (groups.Count > 20 || groups.Exists(c => c.Length > 30))
        {
            errors.Add("suitableGroups", "适用人群最多 20 个，每个 1 到 30 个字符。", "At most 20 suitable groups, each 1 to 30 characters.");
        }

        if (request.Capacity is not { } capacity)
        {
            errors.Add("capacity", "请填写容量（人数或数量）。", "The capacity (people or quantity) is required.");
        }
        else if (capacity is < 1 or > 100_000)
        {
            errors.Add("capacity", "容量须在 1 到 100000 之间。", "The capacity must be between 1 and 100000.");
        }

        if (request.Exclusive is null)
        {
            errors.Add("exclusive", "请说明是否独占使用（同一时段只接受一个预约）。", "Say whether the resource is exclusive (one booking at a time).");
        }

        OpeningSchedule.Validate(errors, request.SlotMinutes ?? 30, request.OpeningHours, request.Exceptions);
        return new(kind ?? default, venueType, categories, groups);
    }

    /// <summary>The categories come from the sharing alliance's list (its rules of procedure).</summary>
    private async Task CheckCategoriesAsync(FieldErrors errors, AllianceId? allianceId, Validated validated, CancellationToken cancellationToken)
    {
        if (allianceId is { } id && await db.Alliances.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, cancellationToken) is { } alliance)
        {
            CategoryVocabulary.CheckAll(errors, "categories", validated.Categories, alliance.Rules.Categories);
        }
    }

    private static void Apply(Resource resource, RegisterResourceRequest request, Validated validated)
    {
        resource.Kind = validated.Kind;
        resource.VenueType = validated.VenueType;
        resource.Categories = validated.Categories;
        resource.SuitableGroups = validated.Groups;
        resource.Capacity = request.Capacity!.Value;
        resource.Exclusive = request.Exclusive!.Value;
        resource.RequiresApproval = request.RequiresApproval ?? true;
        resource.SlotMinutes = request.SlotMinutes ?? 30;
        resource.OpeningHours = [.. request.OpeningHours!.OrderBy(p => p.Day).ThenBy(p => p.From)];
        resource.Exceptions = [.. (request.Exceptions ?? []).OrderBy(e => e.Date).Select(e => e with { Note = e.Note?.Trim() })];
        resource.Contact = string.IsNullOrWhiteSpace(request.Contact) ? null : request.Contact.Trim();
    }

    /// <summary>The alliance a resource is shared through: the one asked for (the owner must host it or be an active member), else the owner's community alliance.</summary>
    private async Task<AllianceId?> SharingAllianceAsync(
        FieldErrors errors, Organisation owner, AllianceId? requested, CancellationToken cancellationToken)
    {
        var hosted = await db.Alliances.AsNoTracking().Where(a => a.HostOrganisationId == owner.Id && a.Status == AllianceStatus.Active)
            .Select(a => a.Id).ToListAsync(cancellationToken);
        var memberOf = await db.AllianceMemberships.AsNoTracking()
            .Where(m => m.OrganisationId == owner.Id && m.Status == MembershipStatus.Active)
            .Join(db.Alliances.Where(a => a.Status == AllianceStatus.Active), m => m.AllianceId, a => a.Id, (m, a) => new { a.Id, a.HostOrganisationId, a.Level })
            .ToListAsync(cancellationToken);
        if (requested is { } wanted)
        {
            if (hosted.Contains(wanted) || memberOf.Exists(m => m.Id == wanted))
            {
                return wanted;
            }

            errors.Add("allianceId", "所选联盟不存在，或资源所属单位不是它的主办方或成员。", "The alliance does not exist, or the owner neither hosts it nor is a member of it.");
            return null;
        }

        var chosen = hosted.Count > 0
            ? hosted[0]
            : (memberOf.Find(m => m.HostOrganisationId == owner.ParentId) ?? memberOf.Find(m => m.Level == AllianceLevel.Community) ?? memberOf.FirstOrDefault())?.Id;
        if (chosen is null)
        {
            errors.Add("allianceId", "资源所属单位尚未加入任何联盟，无法共享资源。", "The owner belongs to no alliance, so it cannot share a resource yet.");
        }

        return chosen;
    }

    private async Task<OrganisationId> StreetOfAsync(Organisation owner, CancellationToken cancellationToken)
    {
        var community = owner.Kind == OrganisationKind.Community ? owner.Id : owner.ParentId!.Value;
        return await db.Organisations.AsNoTracking().Where(o => o.Id == community).Select(o => o.ParentId!.Value).SingleAsync(cancellationToken);
    }

    private async Task SaveAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        try
        {
            await audit.SaveAsync(record, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictProblem("resource.changed", new("该资源刚被他人修改，请刷新后重试。", "The resource was just changed by someone else; reload and try again."));
        }
    }

    private static List<string> Clean(List<string>? values) =>
        values is null ? [] : [.. values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()).Distinct(StringComparer.Ordinal)];
}

/// <summary>A unit or community a person may register a resource for.</summary>
public sealed record ResourceOwnerChoice(OrganisationId Id, string Name);
