using Alliance.Server.Features.Live;

namespace Alliance.Server.Features.Meetings;

public static class MeetingsSetup
{
    /// <summary>The meeting operations (API and UI), the calendar job and who may read <c>meeting:{id}</c>; the bus consumers are found by assembly scan.</summary>
    public static IServiceCollection AddAllianceMeetings(this IServiceCollection services)
    {
        services.AddScoped<MeetingOperations>();
        services.AddScoped<MeetingCalendar>();
        services.AddStreamKind<MeetingStreamKind>();
        services.AddHostedService<MeetingCalendarStartup>();
        return services;
    }
}
