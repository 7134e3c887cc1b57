using Alliance.Server.Features.Live;

namespace Alliance.Server.Features.Assessments;

public static class AssessmentsSetup
{
    /// <summary>年度考核: its operations and who may follow <c>assessment:{id}</c> (its consumers are found on the bus by assembly scan).</summary>
    public static IServiceCollection AddAllianceAssessments(this IServiceCollection services)
    {
        services.AddScoped<AssessmentOperations>();
        services.AddStreamKind<AssessmentStreamKind>();
        return services;
    }
}
