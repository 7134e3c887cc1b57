namespace Alliance.Contracts.System;

/// <summary>An operator's notice to everyone connected (maintenance windows, incidents).</summary>
public sealed record SystemNoticePublished(string TextZh, string TextEn) : IntegrationEvent;
