using Alliance.Server.Infrastructure.Realtime;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Alliance.Server.Tests.Infrastructure;

public static class HubClients
{
    /// <summary>A started SignalR connection to the test host's hub over WebSockets.</summary>
    public static async Task<HubConnection> ConnectAsync(AllianceAppFactory factory, string? accessToken = null)
    {
        var server = factory.Server;
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, AllianceHub.Path.TrimStart('/')), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.HttpMessageHandlerFactory = _ => server.CreateHandler();
                options.WebSocketFactory = async (context, cancellationToken) =>
                {
                    var client = server.CreateWebSocketClient();
                    if (accessToken is not null)
                    {
                        client.ConfigureRequest = r => r.Headers.Authorization = $"Bearer {accessToken}";
                    }

                    return await client.ConnectAsync(context.Uri, cancellationToken);
                };
                if (accessToken is not null)
                {
                    options.AccessTokenProvider = () => Task.FromResult<string?>(accessToken);
                }
            })
            .Build();
        await connection.StartAsync();
        return connection;
    }
}
