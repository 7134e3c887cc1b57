using Alliance.Server.Features.Access;
using Alliance.Server.Infrastructure.Problems;
using Microsoft.AspNetCore.Components.Authorization;

namespace Alliance.Server.Features.Ui;

/// <summary>
/// How a page calls feature code: in a fresh DI scope (a DbContext per call, never one per circuit), with the signed-in
/// person's <see cref="AccessScope"/> resolved by the same <see cref="AccessScopeResolver"/> the API's middleware
/// uses, so a page sees and may do exactly what the API would allow (404 out of scope, 403 not allowed).
/// </summary>
public sealed class UiSession(AuthenticationStateProvider authentication, IServiceScopeFactory scopes)
{
    public async Task<T> RunAsync<T>(Func<IServiceProvider, AccessScope, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        var state = await authentication.GetAuthenticationStateAsync();
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var access = await services.GetRequiredService<AccessScopeResolver>().ResolveAsync(state.User, cancellationToken);
        services.GetRequiredService<AccessScopeHolder>().Scope = access;
        return await work(services, access);
    }

    public Task RunAsync(Func<IServiceProvider, AccessScope, Task> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        return RunAsync<bool>(async (services, access) =>
        {
            await work(services, access);
            return true;
        }, cancellationToken);
    }

    /// <summary>The message to show for a failed action: the problem's own words, or a generic one.</summary>
    public static string Describe(Exception error) => error switch
    {
        ValidationProblem v => UiText.L(string.Join("；", v.Errors.Values.Select(e => e.Zh)), string.Join("; ", v.Errors.Values.Select(e => e.En))),
        AllianceProblemException p => UiText.L(p.Detail),
        _ => UiText.L("操作失败，请稍后重试。", "That did not work. Try again later."),
    };
}
