namespace Alliance.Server.Infrastructure.Problems;

/// <summary>A message in both languages the product speaks.</summary>
public readonly record struct BilingualText(string Zh, string En)
{
    public string For(HttpContext? http) =>
        http is not null && PrefersEnglish(http) ? En : Zh;

    public Dictionary<string, string> ToDictionary() => new() { ["zh-CN"] = Zh, ["en"] = En };

    /// <summary>Chinese unless the caller's Accept-Language puts English first.</summary>
    public static bool PrefersEnglish(HttpContext http)
    {
        var header = http.Request.Headers.AcceptLanguage.ToString();
        return header.StartsWith("en", StringComparison.OrdinalIgnoreCase);
    }
}
