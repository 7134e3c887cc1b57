using System.Runtime.CompilerServices;
using Microsoft.Playwright;

namespace Alliance.Ui.Tests;

/// <summary>
/// Waiting for a page's Blazor circuit. Once in a CI run of ~100 journeys, on a machine the PostgreSQL pass loads, a page's
/// circuit did not render within 20 s (Publishing_a_bulletin, in the CI run of 7 December 2026); the same test passed 4 times under 3 spinning cores,
/// and 40 quick clicks to that page all went live in a probe. So a page that is not live after 20 s is reloaded once, as a
/// person would, and the second wait fails with what the browser said (console, connection state) to find the cause.
/// </summary>
public static class Interactivity
{
    private static readonly ConditionalWeakTable<IPage, List<string>> Heard = new();

    /// <summary>Keeps the page's console messages and failed requests, for <see cref="UntilEnabledAsync"/> to report.</summary>
    public static void Record(IPage page)
    {
        var lines = Heard.GetOrCreateValue(page);
        page.Console += (_, m) => Add(lines, $"console.{m.Type}: {m.Text}");
        page.PageError += (_, e) => Add(lines, $"pageerror: {e}");
        page.RequestFailed += (_, r) => Add(lines, $"requestfailed: {r.Method} {r.Url} {r.Failure}");
        page.WebSocket += (_, ws) => ws.Close += (_, _) => Add(lines, $"websocket closed: {ws.Url}");
    }

    /// <summary>Waits until <paramref name="control"/> (disabled until the circuit renders) is enabled; reloads once after 20 s.</summary>
    public static async Task UntilEnabledAsync(IPage page, string control)
    {
        var options = new LocatorAssertionsToBeEnabledOptions { Timeout = 20_000 };
        try
        {
            await Assertions.Expect(page.Locator(control)).ToBeEnabledAsync(options);
            return;
        }
        catch (PlaywrightException)
        {
            Add(Heard.GetOrCreateValue(page), $"--- not live after 20 s at {page.Url}; connection: {await ConnectionAsync(page)}; reloading");
        }

        await page.ReloadAsync();
        try
        {
            await Assertions.Expect(page.Locator(control)).ToBeEnabledAsync(options);
        }
        catch (PlaywrightException e)
        {
            List<string> lines;
            lock (Heard.GetOrCreateValue(page))
            {
                lines = [.. Heard.GetOrCreateValue(page)];
            }

            throw new InvalidOperationException(
                $"{control} at {page.Url} stayed disabled: the page's circuit did not render after a reload either. Connection: " +
                $"{await ConnectionAsync(page)}. What the browser said:\n{string.Join('\n', lines.TakeLast(40))}", e);
        }
    }

    private static async Task<string> ConnectionAsync(IPage page)
    {
        try
        {
            return await page.EvaluateAsync<string>(
                "() => { const m = document.getElementById('components-reconnect-modal'); return m ? (m.className + ' ' + m.innerText).trim() : 'no reconnect element'; }");
        }
        catch (PlaywrightException e)
        {
            return "unknown (" + e.Message.Split('\n')[0] + ")";
        }
    }

    private static void Add(List<string> lines, string line)
    {
        lock (lines)
        {
            lines.Add(DateTime.UtcNow.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture) + " " + line);
        }
    }
}
