using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.Resources;
using Alliance.Server.Features.Ui.Pages.Resources;

namespace Alliance.Server.Tests.Ui;

/// <summary>
/// The 修改共享资源 form shows one opening period per weekday and no exception dates or suitable groups; saving it must
/// not drop what it does not show (the form sent them empty, which cleared a resource's exceptions).
/// </summary>
public sealed class Editing_a_resource_in_the_form
{
    private static readonly ResourcesApi.ResourceResponse Current = new(
        new ResourceId(Guid.NewGuid()), new OrganisationId(Guid.NewGuid()), "东湖税务所", new AllianceId(Guid.NewGuid()), new OrganisationId(Guid.NewGuid()),
        ResourceKind.Venue, VenueType.ActivityRoom, "党群活动室", "二楼活动室。", ["场地"], 30, true, true, 30,
        [new(DayOfWeek.Monday, new(8, 0), new(12, 0)), new(DayOfWeek.Monday, new(14, 0), new(18, 0)), new(DayOfWeek.Tuesday, new(9, 0), new(17, 0))],
        [new(new DateOnly(2026, 10, 1), true, null, "国庆闭馆")], ["老年人", "青少年"], "桂花路18号", null, ResourceStatus.Active,
        DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

    [Fact]
    public void Saving_an_edit_keeps_the_exception_dates_the_groups_the_alliance_and_a_days_later_periods()
    {
        var input = ResourceFormInput.From(Current);
        input.Name = "党群活动室（新）";
        input.Hours[DayOfWeek.Monday] = (true, "08:30", "12:00");

        var (request, errors) = input.ToRequest(Current.OwnerId.Value, Current);

        Assert.Empty(errors);
        Assert.Equal("党群活动室（新）", request.Name);
        Assert.Equal(Current.Exceptions, request.Exceptions);
        Assert.Equal(Current.SuitableGroups, request.SuitableGroups);
        Assert.Equal(Current.AllianceId, request.AllianceId);
        Assert.Equal(
            [new(DayOfWeek.Monday, new(8, 30), new(12, 0)), new(DayOfWeek.Monday, new(14, 0), new(18, 0)), new OpeningPeriod(DayOfWeek.Tuesday, new(9, 0), new(17, 0))],
            request.OpeningHours);
    }

    [Fact]
    public void A_day_closed_in_the_form_loses_all_its_periods_and_a_new_resource_sends_none_of_them()
    {
        var input = ResourceFormInput.From(Current);
        input.Hours[DayOfWeek.Monday] = (false, null, null);
        Assert.DoesNotContain(input.ToRequest(Current.OwnerId.Value, Current).Request.OpeningHours!, p => p.Day == DayOfWeek.Monday);

        var fresh = new ResourceFormInput().ToRequest(null).Request;
        Assert.Null(fresh.Exceptions);
        Assert.Null(fresh.SuitableGroups);
        Assert.Null(fresh.AllianceId);
    }
}
