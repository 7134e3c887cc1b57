using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
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
/// Reading and submitting commitments, the code both <c>/api/commitments</c> and the web UI run; scope as
/// <see cref="CommitmentsApi.VisibleAsync"/> (404 out of scope, 403 for someone not acting for the unit).
/// </summary>
public static class CommitmentOperations
{
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
}
