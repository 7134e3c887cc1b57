using Alliance.Server.Features.Access;
using Hangfire;
using Hangfire.Dashboard;

namespace Alliance.Server.Features.Auth;

/// <summary>Only a signed-in district administrator may open the Hangfire dashboard.</summary>
public sealed class DistrictAdminDashboardFilter : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.GetHttpContext();
        return http.RequestServices.GetRequiredService<AccessScope>().IsDistrictAdmin;
    }

    public static DashboardOptions CreateOptions() => new()
    {
        Authorization = [new DistrictAdminDashboardFilter()],
        DisplayStorageConnectionString = false,
    };
}
