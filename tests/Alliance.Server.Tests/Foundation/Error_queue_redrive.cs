using System.Text;
using System.Text.Json;
using Alliance.Server.Features.Demo;
using Alliance.Server.Infrastructure.Messaging;
using Alliance.Server.Infrastructure.Realtime;
using Alliance.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace Alliance.Server.Tests.Foundation;

public sealed class Error_queue_redrive(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    [Fact]
    public async Task A_faulted_message_is_moved_back_to_its_queue_and_consumed()
    {
        var redriver = app.Services.GetRequiredService<ErrorQueueRedriver>();
        if (!TestProfile.UsesServers)
        {
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => redriver.RedriveAsync("system-notice-relay"));
            Assert.Contains("Alliance:Bus=RabbitMq", refused.Message, StringComparison.Ordinal);
            return;
        }

        await using var hub = await HubClients.ConnectAsync(app, await app.TokenForAsync(DemoUsers.DistrictAdmin));
        var received = new TaskCompletionSource<SystemNotice>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<SystemNotice>(nameof(IAllianceClient.SystemNotice), n => received.TrySetResult(n));

        var messageId = Guid.NewGuid();
        await PutInErrorQueueAsync("system-notice-relay_error", messageId);

        Assert.Equal(1, await redriver.RedriveAsync("system-notice-relay"));
        var notice = await received.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal("重新投递", notice.TextZh);
        Assert.Equal(0, await redriver.RedriveAsync("system-notice-relay"));
    }

    /// <summary>Writes a MassTransit envelope straight into the error queue, as a consumer fault would have.</summary>
    private async Task PutInErrorQueueAsync(string queue, Guid messageId)
    {
        var factory = new ConnectionFactory { Uri = new Uri(app.Sandbox!.RabbitMqUri) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        var envelope = new
        {
            messageId,
            messageType = new[] { "urn:message:Alliance.Contracts.System:SystemNoticePublished", "urn:message:Alliance.Contracts:IntegrationEvent" },
            message = new { textZh = "重新投递", textEn = "redriven", eventId = messageId, occurredAt = DateTimeOffset.UtcNow },
            sentTime = DateTime.UtcNow,
        };
        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(envelope));
        var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", MessageId = messageId.ToString(), Persistent = true };
        await channel.BasicPublishAsync(string.Empty, queue, mandatory: true, properties, body);
    }
}
