namespace Alliance.Workflows;

/// <summary>A person acting on the runtime: user id, roles and organisation, as the host resolved them.</summary>
public sealed record Actor(string Id, IReadOnlyCollection<string> Roles, string? OrganisationId = null)
{
    /// <summary>The runtime itself (timers, system steps).</summary>
    public static Actor System { get; } = new("system", ["system"]);

    public bool HasRole(string role) => Roles.Contains(role, StringComparer.OrdinalIgnoreCase);
}
