using Alliance.Server.Features.Items;

namespace Alliance.Server.Features.Commitments;

public static class CommitmentsSetup
{
    public static IServiceCollection AddAllianceCommitments(this IServiceCollection services)
    {
        services.AddScoped<IItemProjection, CommitmentProjection>();
        return services;
    }
}
