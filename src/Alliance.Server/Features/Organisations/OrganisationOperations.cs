using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Audit;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;
using static Alliance.Server.Features.Organisations.OrganisationsApi;

namespace Alliance.Server.Features.Organisations;

/// <summary>
/// The region's organisations, the code both <c>/api/organisations</c> and the web UI's 组织 pages run: whom the caller
/// sees (404 otherwise), adding a street, community or unit under its parent, changing one, and withdrawing one (nothing
/// is deleted), each allowed only to whoever administers the organisation concerned (403 otherwise) and audited.
/// </summary>
public static class OrganisationOperations
{
    public static async Task<List<OrganisationResponse>> ListAsync(
        AccessScope scope, AllianceDbContext db, OrganisationKind? kind, OrganisationId? parentId, CancellationToken cancellationToken)
    {
        var visible = scope.VisibleOrganisationIds.ToList();
        var query = db.Organisations.AsNoTracking().Where(o => visible.Contains(o.Id));
        if (kind is not null)
        {
            query = query.Where(o => o.Kind == kind);
        }

        if (parentId is not null)
        {
            query = query.Where(o => o.ParentId == parentId);
        }

        var list = await query.ToListAsync(cancellationToken);
        return [.. list.OrderBy(o => o.Kind).ThenBy(o => o.Name, StringComparer.Ordinal).Select(OrganisationResponse.From)];
    }

    public static async Task<OrganisationResponse> GetAsync(OrganisationId id, AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken)
    {
        var organisation = await FindVisibleAsync(db, scope, id, cancellationToken);
        return OrganisationResponse.From(organisation);
    }

    public static async Task<OrganisationResponse> CreateAsync(
        CreateOrganisationRequest request, AccessScope scope, AllianceDbContext db, AuditTrail audit, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        errors.Required("kind", request.Kind, new("组织类型", "kind"));
        if (request.Kind == OrganisationKind.District)
        {
            errors.Add("kind", "区只有一个，不能新增；请选择街道、社区或共建单位。", "There is one district; add a Street, Community or Unit.");
        }

        Organisation? parent = null;
        if (request.ParentId is not OrganisationId parentId)
        {
            errors.Add("parentId", "请选择上级组织。", "The parent organisation is required.");
        }
        else
        {
            parent = await db.Organisations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == parentId, cancellationToken);
            if (parent is null || !scope.CanSeeOrganisation(parent.Id))
            {
                errors.Unknown("parentId", new("上级组织", "parent organisation"));
                parent = null;
            }
            else if (request.Kind is OrganisationKind kind && kind != OrganisationKind.District && Organisation.ChildKindOf(parent.Kind) != kind)
            {
                errors.Add("parentId", "上级组织类型不符：街道属于区，社区属于街道，共建单位属于所在社区。",
                    "The parent has the wrong kind: a street belongs to the district, a community to a street, a unit to the community it is in.");
            }
        }

        ValidateDetails(errors, request.Kind, request.Name, request.UnitType, request.ServiceCategories, request.Address);
        if (parent is not null)
        {
            // A new unit belongs to no alliance yet: its categories come from the lists of the alliances its community hosts or belongs to.
            CategoryVocabulary.CheckAll(errors, "serviceCategories", Clean(request.ServiceCategories),
                await CategoryVocabulary.ForOrganisationAsync(db, parent.Id, cancellationToken));
        }

        errors.ThrowIfAny();
        scope.DemandAdminister(parent!.Id);

        var organisation = new Organisation
        {
            Id = OrganisationId.New(),
            Kind = request.Kind!.Value,
            Name = request.Name!.Trim(),
            ParentId = parent.Id,
            UnitType = request.UnitType,
            ServiceCategories = Clean(request.ServiceCategories),
            Address = Trimmed(request.Address),
            Status = OrganisationStatus.Active,
            CreatedAt = time.GetUtcNow(),
        };
        db.Organisations.Add(organisation);
        var response = OrganisationResponse.From(organisation);
        await audit.SaveAsync(new("organisation.created", "organisation", organisation.Id.ToString(),
            scope.AdministeringOrganisationFor(parent.Id), null, response), cancellationToken);
        return response;
    }

    public static async Task<OrganisationResponse> UpdateAsync(
        OrganisationId id, UpdateOrganisationRequest request, AccessScope scope, AllianceDbContext db, AuditTrail audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var organisation = await FindVisibleAsync(db, scope, id, cancellationToken, tracked: true);
        scope.DemandAdminister(id);
        var errors = new FieldErrors();
        ValidateDetails(errors, organisation.Kind, request.Name, request.UnitType, request.ServiceCategories, request.Address);
        CategoryVocabulary.CheckAll(errors, "serviceCategories", Clean(request.ServiceCategories),
            await CategoryVocabulary.ForOrganisationAsync(db, organisation.ParentId is { } parentId && organisation.Kind == OrganisationKind.Unit ? parentId : id, cancellationToken));
        errors.ThrowIfAny();

        var before = OrganisationResponse.From(organisation);
        organisation.Name = request.Name!.Trim();
        organisation.UnitType = request.UnitType;
        organisation.ServiceCategories = Clean(request.ServiceCategories);
        organisation.Address = Trimmed(request.Address);
        var after = OrganisationResponse.From(organisation);
        await audit.SaveAsync(new("organisation.updated", "organisation", id.ToString(), scope.AdministeringOrganisationFor(id), before, after), cancellationToken);
        return after;
    }

    public static async Task<OrganisationResponse> WithdrawAsync(
        OrganisationId id, WithdrawRequest? request, AccessScope scope, AllianceDbContext db, AuditTrail audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var organisation = await FindVisibleAsync(db, scope, id, cancellationToken, tracked: true);
        if (organisation.ParentId is not OrganisationId parentId)
        {
            throw new ConflictProblem("organisation.district-cannot-withdraw", new("区不能退出。", "The district cannot be withdrawn."));
        }

        // Withdrawing is decided one level up: a community cannot withdraw itself.
        scope.DemandAdminister(parentId);
        if (organisation.Status == OrganisationStatus.Withdrawn)
        {
            throw new ConflictProblem("organisation.already-withdrawn", new("该组织已退出。", "The organisation is already withdrawn."));
        }

        var before = OrganisationResponse.From(organisation);
        organisation.Status = OrganisationStatus.Withdrawn;
        organisation.WithdrawnAt = time.GetUtcNow();
        var after = OrganisationResponse.From(organisation);
        await audit.SaveAsync(new("organisation.withdrawn", "organisation", id.ToString(), scope.AdministeringOrganisationFor(parentId),
            before, new { organisation = after, reason = Trimmed(request?.Reason) }), cancellationToken);
        return after;
    }

    /// <summary>The organisation, or 404 if it does not exist or the caller cannot see it.</summary>
    public static async Task<Organisation> FindVisibleAsync(
        AllianceDbContext db, AccessScope scope, OrganisationId id, CancellationToken cancellationToken, bool tracked = false)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(scope);
        if (!scope.CanSeeOrganisation(id))
        {
            throw new NotFoundProblem(Thing);
        }

        var query = tracked ? db.Organisations : db.Organisations.AsNoTracking();
        return await query.SingleOrDefaultAsync(o => o.Id == id, cancellationToken) ?? throw new NotFoundProblem(Thing);
    }

    private static void ValidateDetails(
        FieldErrors errors, OrganisationKind? kind, string? name, UnitType? unitType, List<string>? categories, string? address)
    {
        errors.Text("name", name, new("名称", "name"), 200);
        errors.Text("address", address, new("地址", "address"), 300, required: false);
        if (kind == OrganisationKind.Unit && unitType is null)
        {
            errors.Add("unitType", "请选择共建单位类型（机关、事业单位、国有企业、非公企业、社会组织或学校）。",
                "The unit type is required (Agency, PublicInstitution, StateEnterprise, PrivateEnterprise, SocialOrganisation or School).");
        }
        else if (kind is not null && kind != OrganisationKind.Unit && unitType is not null)
        {
            errors.Add("unitType", "只有共建单位有单位类型。", "Only a co-building unit has a unit type.");
        }

        if (categories is { Count: > 0 })
        {
            if (kind is not null && kind != OrganisationKind.Unit)
            {
                errors.Add("serviceCategories", "只有共建单位有服务类别。", "Only a co-building unit has service categories.");
            }
            else if (categories.Count > 20 || categories.Any(c => string.IsNullOrWhiteSpace(c) || c.Trim().Length > 20))
            {
                errors.Add("serviceCategories", "服务类别最多 20 个，每个 1 到 20 个字符。", "At most 20 service categories, each 1 to 20 characters.");
            }
        }
    }

    private static List<string> Clean(List<string>? categories) =>
        categories is null ? [] : [.. categories.Select(c => c.Trim()).Distinct(StringComparer.Ordinal)];

    private static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
