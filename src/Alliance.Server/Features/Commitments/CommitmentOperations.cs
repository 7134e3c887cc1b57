using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Audit;
using Alliance.Server.Features.Items;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Alliance.Workflows;
using Alliance.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using static Alliance.Server.Features.Commitments.CommitmentsApi;

namespace Alliance.Server.Features.Commitments;

/// <summary>
/// Drafting, revising, reading and submitting commitments, the code both <c>/api/commitments</c> and the web UI run; scope as
/// <see cref="CommitmentsApi.VisibleAsync"/> (404 out of scope, 403 for someone not acting for the unit).
/// </summary>
public static class CommitmentOperations
{
    /// <summary>A member unit drafts a commitment for this year or the next; every field is checked before anything is saved.</summary>
    public static async Task<CommitmentView> DraftAsync(
        CommitmentRequest request, AccessScope scope, AllianceDbContext db, AuditTrail audit, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        errors.Required("allianceId", request.AllianceId, new("联盟", "alliance"));
        Validate(errors, request);
        PartyAlliance? alliance = null;
        if (request.AllianceId is { } allianceId)
        {
            alliance = scope.CanSeeAlliance(allianceId) ? await db.Alliances.AsNoTracking().SingleOrDefaultAsync(a => a.Id == allianceId, cancellationToken) : null;
            if (alliance is null)
            {
                errors.Unknown("allianceId", new("联盟", "alliance"));
            }
            else if (alliance.Status != AllianceStatus.Active)
            {
                errors.Add("allianceId", "该联盟已解散。", "The alliance is dissolved.");
            }
        }

        OrganisationId? unit = null;
        if (alliance is not null)
        {
            CategoryVocabulary.Check(errors, "category", request.Category, alliance.Rules.Categories);
            var units = (await ItemRoutes.MembersAsync(db, alliance.Id, cancellationToken))
                .Where(m => m.Kind == OrganisationKind.Unit && ActsAsUnit(scope, m.Id)).Select(m => m.Id).ToList();
            if (request.UnitId is { } asked)
            {
                if (!units.Contains(asked))
                {
                    errors.NotActingFor(new("成员单位", "member unit of the alliance"));
                }
                else
                {
                    unit = asked;
                }
            }
            else if (units.Count == 1)
            {
                unit = units[0];
            }
            else if (units.Count > 1)
            {
                errors.Add("unitId", "您代表多个成员单位，请选择以哪个单位作出承诺。", "You act for several member units: choose the unit that commits.");
            }

            if (request.Year is { } year && year < CurrentYear(alliance, time))
            {
                errors.Add("year", "不能为已过去的年度作出承诺。", "A commitment cannot be made for a past year.");
            }
            else if (request.Year is { } future && future > CurrentYear(alliance, time) + 1)
            {
                errors.Add("year", "只能为本年度或下一年度作出承诺。", "Commitments are made for this year or the next.");
            }
        }

        errors.ThrowIfAny();
        if (unit is null)
        {
            throw new ForbiddenProblem("commitment.not-unit", new(
                "只有联盟成员单位的联络员、党组织书记或兼职委员可以作出共建承诺。",
                "Only a contact, party secretary or part-time member of a member unit of the alliance may make a commitment."));
        }

        var now = time.GetUtcNow().UtcDateTime;
        var commitment = new Commitment
        {
            Id = CommitmentId.New(),
            AllianceId = alliance!.Id,
            UnitId = unit.Value,
            Year = request.Year!.Value,
            Title = request.Title!.Trim(),
            Category = request.Category!.Trim(),
            TargetUnit = request.TargetUnit!.Trim(),
            Schedule = request.Schedule!.Trim(),
            ResponsiblePerson = request.ResponsiblePerson!.Trim(),
            CreatedBy = scope.UserId,
            CreatedUtc = now,
            UpdatedUtc = now,
        };
        Apply(commitment, request);
        db.Add(commitment);
        await audit.SaveAsync(new AuditRecord("commitment.drafted", "commitment", commitment.Id.ToString(), unit, null, Snapshot(commitment)), cancellationToken);
        return await ViewAsync(db, commitment, withPeriods: true, cancellationToken);
    }

    /// <summary>A draft or a returned commitment is changed by its unit (its alliance, unit and year stay); the item follows.</summary>
    public static async Task<CommitmentView> ReviseAsync(
        CommitmentId id, CommitmentRequest request, AccessScope scope, AllianceDbContext db, AuditTrail audit, TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var commitment = await FindVisibleAsync(db, scope, id, tracked: true, cancellationToken);
        DemandUnit(scope, commitment);
        if (commitment.Status is not (Commitment.DraftStatus or "returned"))
        {
            throw new ConflictProblem("commitment.not-editable", new(
                $"承诺当前状态为 {commitment.Status}，只有草稿或被退回的承诺可以修改。",
                $"The commitment is {commitment.Status}; only a draft or a returned commitment can be changed."));
        }

        var errors = new FieldErrors();
        Validate(errors, request);
        var rules = (await db.Alliances.AsNoTracking().SingleAsync(a => a.Id == commitment.AllianceId, cancellationToken)).Rules;
        CategoryVocabulary.Check(errors, "category", request.Category, rules.Categories);
        if (request.AllianceId is { } alliance && alliance != commitment.AllianceId)
        {
            errors.Add("allianceId", "承诺的联盟不能更改。", "The alliance of a commitment cannot be changed.");
        }

        if (request.UnitId is { } unit && unit != commitment.UnitId)
        {
            errors.Add("unitId", "承诺单位不能更改。", "The committing unit cannot be changed.");
        }

        if (request.Year is { } year && year != commitment.Year)
        {
            errors.Add("year", "承诺年度不能更改。", "The year of a commitment cannot be changed.");
        }

        errors.ThrowIfAny();
        var before = Snapshot(commitment);
        commitment.Title = request.Title!.Trim();
        commitment.Category = request.Category!.Trim();
        commitment.TargetUnit = request.TargetUnit!.Trim();
        commitment.Schedule = request.Schedule!.Trim();
        commitment.ResponsiblePerson = request.ResponsiblePerson!.Trim();
        Apply(commitment, request);
        commitment.UpdatedUtc = time.GetUtcNow().UtcDateTime;
        commitment.Revision++;
        if (commitment.ItemId is { } itemId && await db.Set<Item>().SingleOrDefaultAsync(i => i.Id == itemId, cancellationToken) is { } item)
        {
            item.Title = commitment.Title;
            item.Category = commitment.Category;
            item.Description = ItemDescription(commitment);
            item.UpdatedUtc = commitment.UpdatedUtc;
            item.Revision++;
        }

        try
        {
            await audit.SaveAsync(new AuditRecord("commitment.revised", "commitment", id.ToString(), commitment.UnitId, before, Snapshot(commitment)), cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw Changed();
        }

        return await ViewAsync(db, commitment, withPeriods: true, cancellationToken);
    }

    public static async Task<CommitmentView> SubmitAsync(
        CommitmentId id, AccessScope scope, AllianceDbContext db, WorkflowRuntime runtime, TaskOperations tasks, TimeProvider time, CancellationToken cancellationToken)
    {
        var commitment = await FindVisibleAsync(db, scope, id, tracked: false, cancellationToken);
        DemandUnit(scope, commitment);
        if (commitment.Status == "returned" && commitment.ItemId is { } returned)
        {
            var revise = await db.Set<ItemTask>().AsNoTracking().Where(t => t.ItemId == returned && t.Step == "revise" && t.ClosedUtc == null)
                .Select(t => (Guid?)t.Id).FirstOrDefaultAsync(cancellationToken)
                ?? throw new ConflictProblem("commitment.not-returned", new("该承诺没有待重新提交的退回。", "The commitment has no return waiting for a resubmission."));
            await tasks.CompleteAsync(scope, revise, new TasksApi.CompleteTaskRequest("resubmit", null, null), cancellationToken);
            return await ViewAsync(db, await FindVisibleAsync(db, scope, id, tracked: false, cancellationToken), withPeriods: true, cancellationToken);
        }

        if (commitment.Status != Commitment.DraftStatus)
        {
            throw new ConflictProblem("commitment.already-submitted", new(
                $"承诺已提交（当前状态 {commitment.Status}），不能再次提交。", $"The commitment was already submitted (it is {commitment.Status})."));
        }

        var alliance = await db.Alliances.AsNoTracking().SingleAsync(a => a.Id == commitment.AllianceId, cancellationToken);
        if (alliance.Status != AllianceStatus.Active)
        {
            throw new ConflictProblem("commitment.alliance-dissolved", new("该联盟已解散，不能提交承诺。", "The alliance is dissolved; the commitment cannot be submitted."));
        }

        if (commitment.Year < CurrentYear(alliance, time))
        {
            throw new ConflictProblem("commitment.past-year", new("承诺年度已过去，不能提交。", "The commitment's year is over; it can no longer be submitted."));
        }

        var host = await db.Organisations.AsNoTracking().SingleAsync(o => o.Id == alliance.HostOrganisationId, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var item = new Item
        {
            Id = ItemId.New(),
            Kind = ItemKind.Commitment,
            Title = commitment.Title,
            Description = ItemDescription(commitment),
            Category = commitment.Category,
            AllianceId = alliance.Id,
            HostOrganisationId = host.Id,
            StreetId = host.StreetOfHost(),
            Scope = ItemScope.Alliance,
            SubmitterOrganisationId = commitment.UnitId,
            SubmittedBy = scope.UserId,
            CreatedUtc = now,
            UpdatedUtc = now,
        };
        var actor = new Actor(scope.UserId!.Value.ToString(), [.. WorkflowRoles.ByOrganisation(scope).GetValueOrDefault(commitment.UnitId) ?? []], commitment.UnitId.ToString());
        try
        {
            await ItemRoutes.StartAsync(runtime, item, Inputs(item, commitment, alliance.Rules), actor, scope, commitment.UnitId,
                new CommitmentSubmitted(id, commitment.Revision, now), null, cancellationToken);
        }
        catch (WorkflowConcurrencyException ex) when (ex.InnerException is DbUpdateException)
        {
            throw Changed(); // the commitment changed while it was submitted: neither the route nor the item was written
        }

        return await ViewAsync(db, await FindVisibleAsync(db, scope, id, tracked: false, cancellationToken), withPeriods: true, cancellationToken);
    }

    public static async Task<List<CommitmentView>> ListAsync(
        AccessScope scope, AllianceDbContext db, AllianceId? alliance, int? year, OrganisationId? unit, string? status, CancellationToken cancellationToken)
    {
        var query = await VisibleAsync(db, scope, cancellationToken);
        if (alliance is { } a)
        {
            query = query.Where(c => c.AllianceId == a);
        }

        if (year is { } y)
        {
            query = query.Where(c => c.Year == y);
        }

        if (unit is { } u)
        {
            query = query.Where(c => c.UnitId == u);
        }

        if (!string.IsNullOrWhiteSpace(status))
        {
            query = query.Where(c => c.Status == status);
        }

        var rows = await query.OrderByDescending(c => c.Year).ThenBy(c => c.AllianceId).ThenBy(c => c.CreatedUtc).ToListAsync(cancellationToken);
        var names = await NamesAsync(db, rows, cancellationToken);
        return rows.Select(c => View(c, names, null)).ToList();
    }

    public static async Task<CommitmentView> GetAsync(CommitmentId id, AccessScope scope, AllianceDbContext db, CancellationToken cancellationToken) =>
        await ViewAsync(db, await FindVisibleAsync(db, scope, id, tracked: false, cancellationToken), withPeriods: true, cancellationToken);

    private static void Validate(FieldErrors errors, CommitmentRequest request)
    {
        errors.Required("year", request.Year, new("承诺年度", "year"));
        errors.Text("title", request.Title, new("承诺事项", "title"), 200);
        errors.Text("category", request.Category, new("类别", "category"), 50);
        errors.Text("description", request.Description, new("说明", "description"), 4000, required: false);
        errors.Required("targetQuantity", request.TargetQuantity, new("目标数量", "target quantity"));
        if (request.TargetQuantity is { } quantity && (quantity <= 0 || quantity > 1_000_000 || decimal.Round(quantity, 2) != quantity))
        {
            errors.Add("targetQuantity", "目标数量须为大于 0、不超过 1000000 的数（至多两位小数）。",
                "The target quantity must be greater than 0 and at most 1,000,000 (at most two decimals).");
        }

        errors.Text("targetUnit", request.TargetUnit, new("计量单位", "unit of the target"), 20);
        errors.Text("schedule", request.Schedule, new("时间安排", "schedule"), 500);
        errors.Text("responsiblePerson", request.ResponsiblePerson, new("责任人", "responsible person"), 50);
        errors.Text("responsiblePhone", request.ResponsiblePhone, new("责任人电话", "responsible person's phone"), 30, required: false);
    }

    private static void Apply(Commitment commitment, CommitmentRequest request)
    {
        commitment.Description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim();
        commitment.TargetQuantity = request.TargetQuantity!.Value;
        commitment.ResponsiblePhone = string.IsNullOrWhiteSpace(request.ResponsiblePhone) ? null : request.ResponsiblePhone.Trim();
    }

    private static object Snapshot(Commitment c) => new
    {
        c.AllianceId, c.UnitId, c.Year, c.Title, c.Category, c.Description, c.TargetQuantity, c.TargetUnit, c.Schedule, c.ResponsiblePerson,
        c.ResponsiblePhone, c.Status,
    };
}
