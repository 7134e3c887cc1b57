using Alliance.Server.Features.Access;
using Alliance.Server.Features.Audit;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Agreements;

public static class AgreementsApi
{
    public static readonly BilingualText Thing = new("合作协议", "agreement");

    public static IEndpointRouteBuilder MapAgreementsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/agreements").WithTags("Agreements").RequireAuthorization();
        api.MapGet("/", List).WithName("ListAgreements").WithSummary("Service cooperation agreements the caller can see / 可见的社区服务合作协议");
        api.MapGet("/{id}", Get).WithName("GetAgreement").WithSummary("One agreement with its text / 协议详情");
        api.MapPost("/", Create).WithName("CreateAgreement").WithSummary("Record an agreement between a community and a unit / 签订社区服务合作协议");
        api.MapPut("/{id}", Amend).WithName("AmendAgreement").WithSummary("Amend an active agreement / 修订协议");
        api.MapPost("/{id}/cancel", Cancel).WithName("CancelAgreement").WithSummary("Cancel an agreement (the record stays) / 终止协议（不删除）");
        return app;
    }

    public sealed record AgreementResponse(
        AgreementId Id, OrganisationId CommunityId, OrganisationId UnitId, string Title, DateOnly PeriodStart, DateOnly PeriodEnd, string Scope,
        string? CommunityOffers, string? UnitOffers, string Text, AgreementStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? CancelledAt,
        string? CancelReason)
    {
        public static AgreementResponse From(Agreement a) =>
            new(a.Id, a.CommunityId, a.UnitId, a.Title, a.PeriodStart, a.PeriodEnd, a.Scope, a.CommunityOffers, a.UnitOffers, a.Text, a.Status,
                a.CreatedAt, a.CancelledAt, a.CancelReason);
    }

    public sealed record CreateAgreementRequest(
        OrganisationId? CommunityId, OrganisationId? UnitId, string? Title, DateOnly? PeriodStart, DateOnly? PeriodEnd, string? Scope,
        string? CommunityOffers, string? UnitOffers, string? Text);

    public sealed record AmendAgreementRequest(
        string? Title, DateOnly? PeriodStart, DateOnly? PeriodEnd, string? Scope, string? CommunityOffers, string? UnitOffers, string? Text);

    public sealed record CancelAgreementRequest(string? Reason);

    public static async Task<Ok<List<AgreementResponse>>> List(
        AccessScope scope, AllianceDbContext db, OrganisationId? communityId, OrganisationId? unitId, CancellationToken cancellationToken)
    {
        var visible = scope.VisibleOrganisationIds.ToList();
        var acting = scope.ActingOrganisationIds.ToList();
        var query = db.Agreements.AsNoTracking().Where(a => visible.Contains(a.CommunityId) || acting.Contains(a.UnitId));
        if (communityId is not null)
        {
            query = query.Where(a => a.CommunityId == communityId);
        }

        if (unitId is not null)
        {
            query = query.Where(a => a.UnitId == unitId);
        }

        var list = await query.ToListAsync(cancellationToken);
        return TypedResults.Ok(list.OrderByDescending(a => a.PeriodStart).ThenBy(a => a.Title, StringComparer.Ordinal).Select(AgreementResponse.From).ToList());
    }

    public static async Task<Ok<AgreementResponse>> Get(AgreementId id, AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(AgreementResponse.From(await FindVisibleAsync(db, scope, id, cancellationToken)));

    public static async Task<Created<AgreementResponse>> Create(
        CreateAgreementRequest request, AccessScope scope, AllianceDbContext db, AuditTrail audit, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        var community = await ReferencedAsync(db, scope, errors, "communityId", request.CommunityId, OrganisationKind.Community, new("社区", "community"), cancellationToken);
        await ReferencedAsync(db, scope, errors, "unitId", request.UnitId, OrganisationKind.Unit, new("共建单位", "unit"), cancellationToken);
        ValidateTerms(errors, request.Title, request.PeriodStart, request.PeriodEnd, request.Scope, request.CommunityOffers, request.UnitOffers, request.Text);
        errors.ThrowIfAny();
        scope.DemandAdminister(community!.Id);

        var agreement = new Agreement
        {
            Id = AgreementId.New(),
            CommunityId = community.Id,
            UnitId = request.UnitId!.Value,
            Title = request.Title!.Trim(),
            PeriodStart = request.PeriodStart!.Value,
            PeriodEnd = request.PeriodEnd!.Value,
            Scope = request.Scope!.Trim(),
            CommunityOffers = Trimmed(request.CommunityOffers),
            UnitOffers = Trimmed(request.UnitOffers),
            Text = request.Text!.Trim(),
            Status = AgreementStatus.Active,
            CreatedAt = time.GetUtcNow(),
        };
        db.Agreements.Add(agreement);
        var response = AgreementResponse.From(agreement);
        await audit.SaveAsync(new("agreement.created", "agreement", agreement.Id.ToString(), scope.AdministeringOrganisationFor(community.Id), null, response), cancellationToken);
        return TypedResults.Created($"/api/agreements/{agreement.Id}", response);
    }

    public static async Task<Ok<AgreementResponse>> Amend(
        AgreementId id, AmendAgreementRequest request, AccessScope scope, AllianceDbContext db, AuditTrail audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var agreement = await FindVisibleAsync(db, scope, id, cancellationToken, tracked: true);
        scope.DemandAdminister(agreement.CommunityId);
        if (agreement.Status != AgreementStatus.Active)
        {
            throw new ConflictProblem("agreement.cancelled", new("协议已终止，不能修订。", "The agreement is cancelled and cannot be amended."));
        }

        var errors = new FieldErrors();
        ValidateTerms(errors, request.Title, request.PeriodStart, request.PeriodEnd, request.Scope, request.CommunityOffers, request.UnitOffers, request.Text);
        errors.ThrowIfAny();
        var before = AgreementResponse.From(agreement);
        agreement.Title = request.Title!.Trim();
        agreement.PeriodStart = request.PeriodStart!.Value;
        agreement.PeriodEnd = request.PeriodEnd!.Value;
        agreement.Scope = request.Scope!.Trim();
        agreement.CommunityOffers = Trimmed(request.CommunityOffers);
        agreement.UnitOffers = Trimmed(request.UnitOffers);
        agreement.Text = request.Text!.Trim();
        var after = AgreementResponse.From(agreement);
        await audit.SaveAsync(new("agreement.amended", "agreement", id.ToString(), scope.AdministeringOrganisationFor(agreement.CommunityId), before, after), cancellationToken);
        return TypedResults.Ok(after);
    }

    public static async Task<Ok<AgreementResponse>> Cancel(
        AgreementId id, CancelAgreementRequest request, AccessScope scope, AllianceDbContext db, AuditTrail audit, TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var agreement = await FindVisibleAsync(db, scope, id, cancellationToken, tracked: true);
        scope.DemandAdminister(agreement.CommunityId);
        if (agreement.Status == AgreementStatus.Cancelled)
        {
            throw new ConflictProblem("agreement.already-cancelled", new("协议已终止。", "The agreement is already cancelled."));
        }

        new FieldErrors().Text("reason", request.Reason, new("终止原因", "reason"), 500).ThrowIfAny();
        var before = AgreementResponse.From(agreement);
        agreement.Status = AgreementStatus.Cancelled;
        agreement.CancelledAt = time.GetUtcNow();
        agreement.CancelReason = request.Reason!.Trim();
        var after = AgreementResponse.From(agreement);
        await audit.SaveAsync(new("agreement.cancelled", "agreement", id.ToString(), scope.AdministeringOrganisationFor(agreement.CommunityId), before, after), cancellationToken);
        return TypedResults.Ok(after);
    }

    /// <summary>
    /// The agreement, or 404: it is visible to whoever sees its community (the community, its street, the district)
    /// and to the people of its unit.
    /// </summary>
    public static async Task<Agreement> FindVisibleAsync(
        AllianceDbContext db, AccessScope scope, AgreementId id, CancellationToken cancellationToken, bool tracked = false)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(scope);
        var query = tracked ? db.Agreements : db.Agreements.AsNoTracking();
        var agreement = await query.SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        return agreement is not null && (scope.CanSeeOrganisation(agreement.CommunityId) || scope.CanActFor(agreement.UnitId))
            ? agreement
            : throw new NotFoundProblem(Thing);
    }

    private static async Task<Organisation?> ReferencedAsync(
        AllianceDbContext db, AccessScope scope, FieldErrors errors, string field, OrganisationId? id, OrganisationKind kind, BilingualText name,
        CancellationToken cancellationToken)
    {
        if (id is not OrganisationId value)
        {
            errors.Add(field, $"请选择{name.Zh}。", $"The {name.En} is required.");
            return null;
        }

        var organisation = scope.CanSeeOrganisation(value)
            ? await db.Organisations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == value, cancellationToken)
            : null;
        if (organisation is null || organisation.Kind != kind)
        {
            errors.Unknown(field, name);
            return null;
        }

        return organisation;
    }

    private static void ValidateTerms(
        FieldErrors errors, string? title, DateOnly? start, DateOnly? end, string? scope, string? communityOffers, string? unitOffers, string? text)
    {
        errors.Text("title", title, new("协议名称", "title"), 200);
        errors.Required("periodStart", start, new("协议开始日期", "start of the period"));
        errors.Required("periodEnd", end, new("协议结束日期", "end of the period"));
        if (start is DateOnly s && end is DateOnly e && e < s)
        {
            errors.Add("periodEnd", "协议结束日期不能早于开始日期。", "The period cannot end before it starts.");
        }

        errors.Text("scope", scope, new("合作范围", "scope"), 1000);
        errors.Text("communityOffers", communityOffers, new("社区提供的内容", "community's offer"), 1000, required: false);
        errors.Text("unitOffers", unitOffers, new("单位提供的内容", "unit's offer"), 1000, required: false);
        errors.Text("text", text, new("协议正文", "text"), 20000);
    }

    private static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
