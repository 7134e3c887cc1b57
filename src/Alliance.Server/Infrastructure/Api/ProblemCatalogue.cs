namespace Alliance.Server.Infrastructure.Api;

/// <summary>
/// Every problem <c>code</c> the API answers with, by status: the error model of the OpenAPI document
/// (<see cref="ProblemResponses"/>) and of <c>docs/api.md</c>. A code thrown anywhere must be listed here; the contract
/// tests compare every problem the test suite receives with the document.
/// </summary>
public static class ProblemCatalogue
{
    public static readonly IReadOnlyDictionary<int, IReadOnlyList<string>> Codes = new Dictionary<int, IReadOnlyList<string>>
    {
        [StatusCodes.Status400BadRequest] = ["validation", "bad-request"],
        [StatusCodes.Status401Unauthorized] = ["unauthorized", "auth.invalid-credentials", "auth.unknown-user"],
        [StatusCodes.Status403Forbidden] =
        [
            "forbidden", "scope.not-acting-for", "scope.not-administrator", "scope.district-admin-only", "booking.not-party", "commitment.not-unit",
            "item.not-member", "meeting.not-chair", "meeting.not-member", "need.not-community", "reports.not-overseer", "project.not-community", "resource.not-owner", "resource.not-switcher", "task.not-candidate",
            "bulletin.not-chair", "assessment.not-chair", "assessment.not-district",
        ],
        [StatusCodes.Status404NotFound] = ["not-found"],
        [StatusCodes.Status409Conflict] =
        [
            "agreement.already-cancelled", "agreement.cancelled", "booking.cancel-cutoff", "booking.capacity-full", "booking.changed", "booking.closed",
            "booking.over", "booking.slot-taken", "commitment.alliance-dissolved", "commitment.already-submitted", "commitment.not-editable",
            "commitment.not-returned", "commitment.past-year", "grant.already-held", "grant.already-revoked", "grant.own-district-admin", "item.closed",
            "membership.already-ended", "membership.already-member", "organisation.already-withdrawn", "organisation.district-cannot-withdraw",
            "project.changed", "resource.changed", "resource.emergency", "resource.emergency-overlap", "resource.not-in-emergency", "resource.withdrawn",
            "task.already-taken", "task.closed", "workflow.migration-refused",
            "meeting.status", "meeting.points-open", "meeting.point-removed", "meeting.vote-open", "meeting.not-a-decision", "meeting.vote-closed",
            "meeting.no-quorum", "meeting.vote-not-open", "meeting.not-present", "meeting.point-decided", "meeting.item-not-waiting", "meeting.no-minutes", "item.concurrent-submission", "notification.not-dead-lettered", "ledger.export-not-ready",
            "bulletin.exists", "bulletin.published",
            "assessment.exists", "assessment.status", "assessment.changed", "assessment.objection-closed", "assessment.objection-exists",
            "assessment.objection-ruled", "assessment.window-open", "assessment.objections-open",
            .. Enum.GetNames<Alliance.Workflows.Runtime.ConflictCode>().Select(Problems.WorkflowConflictProblems.CodeOf),
        ],
        [StatusCodes.Status423Locked] = ["auth.locked-out"],
        [StatusCodes.Status429TooManyRequests] = ["auth.too-many-attempts", "too-many-requests"],
    };

    /// <summary>The code a problem without one of its own carries (answers of the framework: 401 from authentication, 405, 415).</summary>
    public static string Standard(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "bad-request",
        StatusCodes.Status401Unauthorized => "unauthorized",
        StatusCodes.Status403Forbidden => "forbidden",
        StatusCodes.Status404NotFound => "not-found",
        StatusCodes.Status405MethodNotAllowed => "method-not-allowed",
        StatusCodes.Status415UnsupportedMediaType => "unsupported-media-type",
        StatusCodes.Status429TooManyRequests => "too-many-requests",
        StatusCodes.Status503ServiceUnavailable => "unavailable",
        _ => "error",
    };
}
