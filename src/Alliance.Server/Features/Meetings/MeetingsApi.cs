using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Alliance.Server.Features.Meetings;

/// <summary>
/// <c>/api/meetings</c>: 联席会议, thin over <see cref="MeetingOperations"/> (the web UI calls the same operations).
/// Every change answers the meeting as it stands after it; its live stream is <c>meeting:{id}</c>.
/// </summary>
public static class MeetingsApi
{
    public static IEndpointRouteBuilder MapMeetingsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/meetings").WithTags("Meetings").RequireAuthorization();
        api.MapPost("/", Schedule).WithName("ScheduleMeeting")
            .WithSummary("The chair schedules a joint meeting (regular, adHoc, extraordinary, online); the agenda window opens with the review point and the waiting items / 召开联席会议");
        api.MapGet("/", List).WithName("ListMeetings").WithSummary("Meetings of the caller's alliances that end after `from` (default: 30 days ago) and start before `to`, soonest first, at most 200 / 联席会议日程");
        api.MapGet("/{id}", Get).WithName("GetMeeting").WithSummary("A meeting with agenda, attendance, tallies and minutes / 会议详情");
        api.MapPost("/{id}/cancel", Cancel).WithName("CancelMeeting").WithSummary("Cancel a meeting that has not opened, with a reason / 取消会议");
        api.MapPost("/{id}/agenda/refresh", Refresh).WithName("RefreshMeetingAgenda").WithSummary("Take items that began waiting onto the open agenda window / 更新议题");
        api.MapGet("/{id}/agenda/waiting", Waiting).WithName("ListMeetingWaitingItems")
            .WithSummary("Items that wait for a meeting and may be added to this agenda by hand (chair or host secretary) / 待上会事项");
        api.MapPost("/{id}/agenda", AddItem).WithName("AddMeetingAgendaItem").WithSummary("Add a waiting deliberation or decision item / 增加议题");
        api.MapPut("/{id}/agenda/order", Reorder).WithName("OrderMeetingAgenda").WithSummary("Order the agenda (every point but the review, once) / 调整议程顺序");
        api.MapPost("/{id}/agenda/{pointId}/remove", Remove).WithName("RemoveMeetingAgendaPoint").WithSummary("Remove a point, with a reason / 移出议题");
        api.MapPost("/{id}/agenda/fix", Fix).WithName("FixMeetingAgenda").WithSummary("Fix the agenda; members are given notice / 确定议程并通知");
        api.MapPost("/{id}/reply", Reply).WithName("ReplyToMeeting").WithSummary("A member replies: attend, absent with a reason, or a named deputy / 回复参会");
        api.MapPost("/{id}/open", Open).WithName("OpenMeeting").WithSummary("The chair opens the meeting / 开会");
        api.MapPost("/{id}/check-in", CheckIn).WithName("CheckInToMeeting").WithSummary("A member checks in, or the chair marks it present / 签到");
        api.MapPost("/{id}/agenda/{pointId}/current", Current).WithName("SetCurrentAgendaPoint").WithSummary("The chair moves to a point / 切换当前议题");
        api.MapPost("/{id}/agenda/{pointId}/notes", Notes).WithName("NoteAgendaPoint").WithSummary("Record the discussion of a point / 会议记录");
        api.MapPost("/{id}/agenda/{pointId}/vote/open", OpenVote).WithName("OpenAgendaVote").WithSummary("Open the vote on a decision point (needs the quorum) / 开始表决");
        api.MapPost("/{id}/agenda/{pointId}/ballots", Cast).WithName("CastMeetingBallot")
            .WithSummary("A member present casts or changes its ballot (for, against, abstain) while the vote is open / 投票");
        api.MapPost("/{id}/agenda/{pointId}/vote/close", CloseVote).WithName("CloseAgendaVote")
            .WithSummary("Close the vote: passed or failed by the threshold of those present; settles the point / 结束表决");
        api.MapPost("/{id}/agenda/{pointId}/decide", Decide).WithName("DecideAgendaPoint")
            .WithSummary("Settle a point without a vote: resolved, deferred, escalated (review: noted) / 议定");
        api.MapPost("/{id}/close", Close).WithName("CloseMeeting").WithSummary("Close the meeting; the minutes are drafted / 散会");
        api.MapPut("/{id}/minutes", EditMinutes).WithName("EditMeetingMinutes").WithSummary("Edit the drafted minutes / 修改会议纪要");
        api.MapPost("/{id}/minutes/publish", PublishMinutes).WithName("PublishMeetingMinutes").WithSummary("Publish the minutes (sealed in the audit chain) / 发布会议纪要");
        api.MapGet("/{id}/minutes.docx", MinutesDocx).WithName("DownloadMeetingMinutes").WithSummary("The minutes as .docx / 下载会议纪要");
        api.MapGet("/{id}/invitation.ics", Invitation).WithName("DownloadMeetingInvitation").WithSummary("The meeting as an iCalendar invitation / 会议日历邀请");
        return app;
    }

    public static async Task<Created<MeetingView>> Schedule(ScheduleMeetingRequest request, AccessScope scope, MeetingOperations meetings, CancellationToken cancellationToken)
    {
        var meeting = await meetings.ScheduleAsync(scope, request, cancellationToken);
        return TypedResults.Created($"/api/meetings/{meeting.Id}", meeting);
    }

    public static async Task<Ok<IReadOnlyList<MeetingSummary>>> List(
        AccessScope scope, MeetingOperations meetings, CancellationToken cancellationToken, AllianceId? allianceId = null, DateTimeOffset? from = null,
        DateTimeOffset? to = null) =>
        TypedResults.Ok(await meetings.ListAsync(scope, allianceId, from, cancellationToken, to));

    public static async Task<Ok<MeetingView>> Get(MeetingId id, AccessScope scope, MeetingOperations meetings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await meetings.GetAsync(scope, id, cancellationToken));

    public static async Task<Ok<MeetingView>> Cancel(MeetingId id, ReasonRequest request, AccessScope scope, MeetingOperations meetings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await meetings.CancelAsync(scope, id, request?.Reason, cancellationToken));

    public static async Task<Ok<MeetingView>> Refresh(MeetingId id, AccessScope scope, MeetingOperations meetings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await meetings.RefreshAgendaAsync(scope, id, cancellationToken));

    public static async Task<Ok<IReadOnlyList<WaitingItemView>>> Waiting(MeetingId id, AccessScope scope, MeetingOperations meetings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await meetings.WaitingAsync(scope, id, cancellationToken));

    public static async Task<Ok<MeetingView>> AddItem(MeetingId id, AddAgendaItemRequest request, AccessScope scope, MeetingOperations meetings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await meetings.AddItemAsync(scope, id, request?.ItemId, cancellationToken));

    public static async Task<Ok<MeetingView>> Reorder(MeetingId id, ReorderAgendaRequest request, AccessScope scope, MeetingOperations meetings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await meetings.ReorderAsync(scope, id, request?.Points, cancellationToken));

    public static async Task<Ok<MeetingView>> Remove(
        MeetingId id, Guid pointId, ReasonRequest request, AccessScope scope, MeetingOperations meetings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await meetings.RemovePointAsync(scope, id, pointId, request?.Reason, cancellationToken));

    public static async Task<Ok<MeetingView>> Fix(MeetingId id, AccessScope scope, MeetingOperations meetings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await meetings.FixAgendaAsync(scope, id, cancellationToken));

    public static async Task<Ok<MeetingView>> Reply(MeetingId id, ReplyRequest request, AccessScope scope, MeetingOperations meetings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await meetings.ReplyAsync(scope, id, request, cancellationToken));

    public static async Task<Ok<MeetingView>> Open(MeetingId id, AccessScope scope, MeetingOperations meetings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await meetings.OpenAsync(scope, id, cancellationToken));

    public static async Task<Ok<MeetingView>> CheckIn(MeetingId id, CheckInRequest request, AccessScope scope, MeetingOperations meetings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await meetings.CheckInAsync(scope, id, request?.OrganisationId, cancellationToken));

    public static async Task<Ok<MeetingView>> Current(MeetingId id, Guid pointId, AccessScope scope, MeetingOperations meetings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await meetings.SetCurrentAsync(scope, id, pointId, cancellationToken));

    public static async Task<Ok<MeetingView>> Notes(
        MeetingId id, Guid pointId, NotesRequest request, AccessScope scope, MeetingOperations meetings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await meetings.NoteAsync(scope, id, pointId, request?.Notes, cancellationToken));

    public static async Task<Ok<MeetingView>> OpenVote(MeetingId id, Guid pointId, AccessScope scope, MeetingOperations meetings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await meetings.OpenVoteAsync(scope, id, pointId, cancellationToken));

    public static async Task<Ok<MeetingView>> Cast(
        MeetingId id, Guid pointId, BallotRequest request, AccessScope scope, MeetingOperations meetings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await meetings.CastAsync(scope, id, pointId, request, cancellationToken));

    public static async Task<Ok<MeetingView>> CloseVote(
        MeetingId id, Guid pointId, DecideRequest request, AccessScope scope, MeetingOperations meetings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await meetings.CloseVoteAsync(scope, id, pointId, request, cancellationToken));

    public static async Task<Ok<MeetingView>> Decide(
        MeetingId id, Guid pointId, DecideRequest request, AccessScope scope, MeetingOperations meetings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await meetings.DecideAsync(scope, id, pointId, request, cancellationToken));

    public static async Task<Ok<MeetingView>> Close(MeetingId id, AccessScope scope, MeetingOperations meetings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await meetings.CloseAsync(scope, id, cancellationToken));

    public static async Task<Ok<MeetingView>> EditMinutes(MeetingId id, MinutesRequest request, AccessScope scope, MeetingOperations meetings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await meetings.EditMinutesAsync(scope, id, request?.Minutes, cancellationToken));

    public static async Task<Ok<MeetingView>> PublishMinutes(MeetingId id, AccessScope scope, MeetingOperations meetings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await meetings.PublishMinutesAsync(scope, id, cancellationToken));

    public static async Task<FileContentHttpResult> MinutesDocx(MeetingId id, AccessScope scope, MeetingOperations meetings, CancellationToken cancellationToken)
    {
        var (content, name) = await meetings.MinutesDocumentAsync(scope, id, cancellationToken);
        return TypedResults.File(content, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", name);
    }

    public static async Task<FileContentHttpResult> Invitation(MeetingId id, AccessScope scope, MeetingOperations meetings, CancellationToken cancellationToken)
    {
        var (content, name) = await meetings.InvitationAsync(scope, id, cancellationToken);
        return TypedResults.File(content, "text/calendar; charset=utf-8", name);
    }
}
