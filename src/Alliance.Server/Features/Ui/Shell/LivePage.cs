using Alliance.Server.Features.Access;
using Alliance.Server.Features.Live;
using Microsoft.AspNetCore.Components;

namespace Alliance.Server.Features.Ui.Shell;

/// <summary>
/// A page that follows live streams while it is open (rendered interactively on the server). It takes each stream's
/// head before reading its state, then follows from that head with a <see cref="StreamFollower"/>: every event after
/// it arrives in order and none is missed, also after the browser was away (the circuit keeps following; on return
/// the page shows the state as it is). A stream the person may not read (<see cref="StreamAccess"/>, the hub's and the
/// API's rule) is not followed.
/// </summary>
public abstract class LivePage : ComponentBase, IAsyncDisposable
{
    private StreamFollower? _follower;
    private Dictionary<StreamId, long> _heads = [];

    [Inject] protected UiSession Session { get; set; } = null!;

    [Inject] private IServiceProvider Services { get; set; } = null!;

    /// <summary>Whether the page is following its streams now (interactive and started).</summary>
    protected bool Following => _follower is not null;

    /// <summary>The last sequence the page has of each stream it follows.</summary>
    protected IReadOnlyDictionary<StreamId, long> Positions => _follower?.Positions ?? _heads;

    /// <summary>The streams this page follows for this person (before the access check).</summary>
    protected abstract Task<IReadOnlyList<StreamId>> StreamsAsync(IServiceProvider services, AccessScope scope);

    /// <summary>Reads the page's state (again). Called at first and after each batch of events.</summary>
    protected abstract Task LoadAsync();

    /// <summary>Called with each batch of events, in stream order, before the page reloads its state.</summary>
    protected virtual void OnEvents(IReadOnlyList<StreamEventEnvelope> events)
    {
    }

    protected override async Task OnInitializedAsync()
    {
        _heads = await Session.RunAsync(async (services, scope) =>
        {
            var access = services.GetRequiredService<StreamAccess>();
            var log = services.GetRequiredService<StreamLog>();
            var heads = new Dictionary<StreamId, long>();
            foreach (var stream in await StreamsAsync(services, scope))
            {
                if (await access.CanReadAsync(scope, stream))
                {
                    heads[stream] = await log.HeadAsync(stream);
                }
            }

            return heads;
        });
        await LoadAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive && _follower is null)
        {
            _follower = StreamFollower.Start(Services, _heads, events => InvokeAsync(async () =>
            {
                OnEvents(events);
                await LoadAsync();
                StateHasChanged();
            }));
            StateHasChanged();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_follower is not null)
        {
            await _follower.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
