using System.Security.Claims;
using Alliance.Server.Features.Access;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.People;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Reports.Benchmarks;

/// <summary>A person with the given grants in the seeded district, and the scope the API would resolve for them.</summary>
internal static class BenchScopes
{
    public static async Task<AccessScope> OfAsync(WebApplicationFactory<Program> app, string userName, AllianceRole role, IEnumerable<OrganisationId> organisations)
    {
        using var services = app.Services.CreateScope();
        var db = services.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var user = new AllianceUser { Id = Guid.CreateVersion7(), UserName = userName, NormalizedUserName = userName.ToUpperInvariant(), DisplayName = "基准" + userName, CreatedAt = DateTimeOffset.UtcNow };
        db.Add(user);
        foreach (var organisation in organisations)
        {
            db.Add(new RoleGrant { Id = RoleGrantId.New(), UserId = user.Id, Role = role, OrganisationId = organisation, GrantedAt = DateTimeOffset.UtcNow });
        }

        await db.SaveChangesAsync();
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user.Id.ToString()), new Claim(ClaimTypes.Name, user.UserName)], "bench"));
        return await services.ServiceProvider.GetRequiredService<AccessScopeResolver>().ResolveAsync(principal);
    }
}
