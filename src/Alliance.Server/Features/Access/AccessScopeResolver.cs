using System.Security.Claims;
using Alliance.Server.Features.Alliances;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.People;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Server.Features.Access;

/// <summary>
/// Builds an <see cref="AccessScope"/> from a signed-in principal: the person's active grants, walked down the
/// organisation tree and across alliance memberships (the directory, cached per node while its stamp stands:
/// <see cref="DirectoryCache"/>). Usable from HTTP (through <see cref="AccessScopeMiddleware"/>) and from hub methods.
/// </summary>
public sealed class AccessScopeResolver(AllianceDbContext db, DirectoryCache directories)
{
    public async Task<AccessScope> ResolveAsync(ClaimsPrincipal principal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (principal.Identity?.IsAuthenticated != true
            || !Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
        {
            return AccessScope.Anonymous;
        }

        var grants = await db.RoleGrants.AsNoTracking()
            .Where(g => g.UserId == userId && g.RevokedAt == null)
            .Select(g => new ScopeGrant(g.Role, g.OrganisationId))
            .ToListAsync(cancellationToken);
        var userName = principal.FindFirstValue(ClaimTypes.Name);
        if (grants.Count == 0)
        {
            return new AccessScope(userId, userName, [], [], [], []);
        }

        var directory = await directories.GetAsync(db, cancellationToken);
        var children = directory.Children;
        var membersOf = directory.MembersOf;
        var hostedBy = directory.HostedBy;

        var visible = new HashSet<OrganisationId>();
        var administeredVia = new Dictionary<OrganisationId, OrganisationId>();
        var area = new HashSet<OrganisationId>();
        foreach (var grant in grants)
        {
            if (grant.Role == AllianceRole.DistrictAdmin)
            {
                foreach (var o in directory.Organisations)
                {
                    visible.Add(o);
                    area.Add(o);
                    administeredVia.TryAdd(o, grant.OrganisationId);
                }

                continue;
            }

            // The organisation itself and everything below it in the tree.
            var subtree = Subtree(grant.OrganisationId, children);
            area.UnionWith(subtree);
            visible.UnionWith(subtree);

            // Streets and communities also see the members of the alliances they (or their communities) host.
            if (grant.Role is not (AllianceRole.UnitContact or AllianceRole.UnitSecretary or AllianceRole.PartTimeMember))
            {
                foreach (var host in subtree)
                {
                    foreach (var alliance in hostedBy[host])
                    {
                        visible.UnionWith(membersOf[alliance]);
                    }
                }
            }

            if (grant.Role is AllianceRole.StreetChair or AllianceRole.CommunitySecretary or AllianceRole.UnitSecretary)
            {
                foreach (var id in subtree)
                {
                    administeredVia.TryAdd(id, grant.OrganisationId);
                }
            }
        }

        var acting = grants.Select(g => g.OrganisationId).ToHashSet();
        var visibleAlliances = directory.Alliances
            .Where(a => area.Contains(a.Host) || membersOf[a.Id].Any(acting.Contains))
            .Select(a => a.Id)
            .ToHashSet();

        return new AccessScope(userId, userName, grants, visible, administeredVia, visibleAlliances);
    }

    private static HashSet<OrganisationId> Subtree(OrganisationId root, ILookup<OrganisationId, OrganisationId> children)
    {
        var result = new HashSet<OrganisationId> { root };
        var queue = new Queue<OrganisationId>([root]);
        while (queue.TryDequeue(out var next))
        {
            foreach (var child in children[next])
            {
                if (result.Add(child))
                {
                    queue.Enqueue(child);
                }
            }
        }

        return result;
    }
}

/// <summary>Holds the current request's scope (filled by <see cref="AccessScopeMiddleware"/>).</summary>
public sealed class AccessScopeHolder
{
    public AccessScope Scope { get; set; } = AccessScope.Anonymous;
}

/// <summary>Resolves the caller's scope once per request, after authentication.</summary>
public sealed class AccessScopeMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, AccessScopeHolder holder, AccessScopeResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.User.Identity?.IsAuthenticated == true)
        {
            holder.Scope = await resolver.ResolveAsync(context.User, context.RequestAborted);
        }

        await next(context);
    }
}

public static class AccessSetup
{
    public static IServiceCollection AddAllianceAccess(this IServiceCollection services)
    {
        services.AddScoped<AccessScopeResolver>();
        services.AddSingleton<DirectoryCache>();
        services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor, DirectoryStampInterceptor>();
        services.AddScoped<AccessScopeHolder>();
        services.AddScoped(sp => sp.GetRequiredService<AccessScopeHolder>().Scope);
        return services;
    }

    /// <summary>Authentication, then the caller's scope, then authorisation.</summary>
    public static IApplicationBuilder UseAllianceAccess(this IApplicationBuilder app)
    {
        app.UseAuthentication();
        app.UseMiddleware<AccessScopeMiddleware>();
        app.UseAuthorization();
        return app;
    }
}
