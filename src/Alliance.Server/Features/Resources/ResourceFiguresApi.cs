using Alliance.Server.Features.Access;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Resources;

/// <summary>The report figures: "共享场地、物资 N 个(处)" per alliance or street and year, and the uses of each resource.</summary>
public static class ResourceFiguresApi
{
    public static IEndpointRouteBuilder MapResourceFiguresApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/resources").WithTags("Resources").RequireAuthorization()
            .MapGet("/figures", Figures).WithName("ResourceFigures")
            .WithSummary("共享场地、物资 N 个(处) in the caller's scope for a year, by alliance or street, with the uses of each resource / 资源共享统计");
        return app;
    }

    public sealed record ResourceUse(ResourceId ResourceId, string Name, ResourceKind Kind, OrganisationId OwnerId, int Bookings, int Uses, int Cancelled, int Satisfied);

    public sealed record ResourceFigures(
        int Year, AllianceId? AllianceId, OrganisationId? StreetId, int Shared, IReadOnlyDictionary<string, int> ByKind, int Uses, string TextZh, string TextEn,
        IReadOnlyList<ResourceUse> PerResource);

    public static async Task<Ok<ResourceFigures>> Figures(
        AccessScope scope, AllianceDbContext db, TimeProvider time, AllianceId? alliance, OrganisationId? street, int? year, CancellationToken cancellationToken)
    {
        if (alliance is { } a && !scope.CanSeeAlliance(a))
        {
            throw new NotFoundProblem(new BilingualText("联盟", "alliance"));
        }

        if (street is { } s && !scope.CanSeeOrganisation(s))
        {
            throw new NotFoundProblem(new BilingualText("街道", "street"));
        }

        var zoneId = alliance is { } id
            ? await db.Alliances.AsNoTracking().Where(x => x.Id == id).Select(x => x.Rules.TimeZone).SingleAsync(cancellationToken)
            : new RulesOfProcedure().TimeZone;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var y = year ?? TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).Year;
        if (y is < 2000 or > 2100)
        {
            throw Alliance.Server.Infrastructure.Problems.ValidationProblem.For("year", "年份无效。", "The year is not valid.");
        }

        var from = TimeZoneInfo.ConvertTimeToUtc(new DateTime(y, 1, 1, 0, 0, 0, DateTimeKind.Unspecified), zone);
        var to = TimeZoneInfo.ConvertTimeToUtc(new DateTime(y + 1, 1, 1, 0, 0, 0, DateTimeKind.Unspecified), zone);
        var query = ResourcesApi.Visible(db, scope);
        if (alliance is { } al)
        {
            query = query.Where(r => r.AllianceId == al);
        }

        if (street is { } st)
        {
            query = query.Where(r => r.StreetId == st);
        }

        var resources = (await query.ToListAsync(cancellationToken))
            .Where(r => r.CreatedAt.UtcDateTime < to && (r.Status == ResourceStatus.Active || r.UpdatedAt.UtcDateTime >= from)).ToList();
        var ids = resources.Select(r => r.Id).ToList();
        var bookings = await db.Set<Booking>().AsNoTracking()
            .Where(b => ids.Contains(b.ResourceId) && b.StartUtc >= from && b.StartUtc < to)
            .Select(b => new { b.ResourceId, b.Status, b.RequesterRating }).ToListAsync(cancellationToken);
        var per = resources.OrderBy(r => r.Name, StringComparer.Ordinal).Select(r =>
        {
            var mine = bookings.Where(b => b.ResourceId == r.Id).ToList();
            return new ResourceUse(r.Id, r.Name, r.Kind, r.OwnerId, mine.Count, mine.Count(b => b.Status == BookingStatus.Used),
                mine.Count(b => b.Status is BookingStatus.Cancelled or BookingStatus.Declined), mine.Count(b => b.RequesterRating is "满意" or "基本满意"));
        }).ToList();
        var byKind = Enum.GetValues<ResourceKind>().ToDictionary(k => KindName(k), k => resources.Count(r => r.Kind == k));
        var uses = per.Sum(p => p.Uses);
        return TypedResults.Ok(new ResourceFigures(y, alliance, street, resources.Count, byKind, uses,
            $"共享场地、物资 {resources.Count} 个(处)，使用 {uses} 次", $"{resources.Count} venues and resources shared, used {uses} times", per));
    }

    private static string KindName(ResourceKind kind) => kind switch
    {
        ResourceKind.HealthService => "healthService",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
