using Alliance.Server.Features.Notifications;
using Alliance.Server.Features.Ui.Pages;

namespace Alliance.Server.Tests.Ui;

/// <summary>通知规则 names each rule and says when it goes out in words, never by its topic key (bulletin.published once showed raw).</summary>
public sealed class Words_for_every_notification_rule
{
    public static TheoryData<string> Topics() => [.. NotificationTopics.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Topics))]
    public void Every_topic_has_a_name_and_a_when_in_words(string topic)
    {
        Assert.NotEqual(topic, NotificationRuleText.Topic(topic));
        Assert.NotEqual("", NotificationRuleText.When(topic));
    }
}
