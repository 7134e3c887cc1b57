using System.Net;
using Alliance.Server.Features.Demo;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Alliance.Ui.Tests;

/// <summary>
/// One real Kestrel host on a free 127.0.0.1 port (Playwright cannot reach the in-memory test server), on the
/// embedded defaults (a fresh SQLite file, in-memory bus and jobs) with the demo region, and one headless Debian
/// Chromium. Shared by every UI test class through <see cref="SharedUi"/>; each test opens its own browser contexts.
/// </summary>
public sealed class UiServer : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const int PhoneWidth = 360;
    public const int PhoneHeight = 740;

    private readonly string _sqlitePath = Path.Combine(Path.GetTempPath(), $"alliance-ui-{Guid.NewGuid():N}.db");
    private IPlaywright? _playwright;

    public UiServer() => UseKestrel(o => o.Listen(IPAddress.Loopback, 0));

    public string BaseUrl { get; private set; } = "";

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: the test output folder, <c>screenshots/</c>.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First().TrimEnd('/');
        Directory.CreateDirectory(ScreenshotFolder);

        var chromium = Environment.GetEnvironmentVariable("ALLIANCE_CHROMIUM") ?? "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            // Never a silent skip: test.sh installs Debian's chromium; without it the UI is untested.
            throw new InvalidOperationException(
                $"No Chromium at {chromium}. Install Debian's chromium (apt-get install chromium fonts-noto-cjk) or run ./test.sh, which does.");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
    }

    /// <summary>A fresh browser context (its own cookies) on a 360×740 phone viewport, signed in as <paramref name="userName"/> when given.</summary>
    public async Task<IPage> PhoneAsync(string? userName = null, int width = PhoneWidth, int height = PhoneHeight)
    {
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = BaseUrl,
            ViewportSize = new() { Width = width, Height = height },
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        Interactivity.Record(page);
        if (userName is not null)
        {
            await SignInAsync(page, userName);
        }

        return page;
    }

    public static async Task SignInAsync(IPage page, string userName, string password = DemoUsers.Password)
    {
        await page.GotoAsync("/");
        await page.FillAsync("#userName", userName);
        await page.FillAsync("#password", password);
        await page.ClickAsync("form[data-testid=signin-form] button[type=submit]");
        await page.WaitForSelectorAsync("[data-testid=who]:not(:empty)");
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // As `dotnet run` (Development) builds it: lifetimes checked when the container is built (a singleton that takes a
        // scoped service fails here, as it failed `dotnet run` once), scoped services never resolved from the root.
        builder.UseDefaultServiceProvider(o =>
        {
            o.ValidateScopes = true;
            o.ValidateOnBuild = true;
        });
        builder.UseStaticWebAssets();
        builder.UseSetting("Alliance:DemoData", "true");
        builder.UseSetting("Alliance:MeetingCalendarSchedule", "0 0 31 2 *"); // no regular meetings appear while the browser tests run
        builder.UseSetting("Alliance:Database", "Sqlite");
        builder.UseSetting("Alliance:Sqlite", $"Data Source={_sqlitePath}");
        builder.UseSetting("Alliance:Bus", "InMemory");
        builder.UseSetting("Alliance:Jobs", "InMemory");
        builder.UseSetting("Alliance:Redis", "");
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        await DisposeAsync();
        foreach (var file in new[] { _sqlitePath, _sqlitePath + "-wal", _sqlitePath + "-shm" })
        {
            File.Delete(file);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SharedUi : ICollectionFixture<UiServer>
{
    public const string Name = "ui";
}
