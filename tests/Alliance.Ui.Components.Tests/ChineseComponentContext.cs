using System.Globalization;
using System.Runtime.CompilerServices;
using Alliance.Server.Features.Ui;

namespace Alliance.Ui.Components.Tests;

/// <summary>
/// A bUnit context whose pages speak Chinese (zh-CN, the product's first language), whatever the machine's culture:
/// <see cref="UiText.L(string, string)"/> picks the language from the current UI culture.
/// </summary>
public abstract class ChineseComponentContext : BunitContext
{
    protected ChineseComponentContext()
    {
        CultureInfo.CurrentCulture = UiCulture.Chinese;
        CultureInfo.CurrentUICulture = UiCulture.Chinese;
    }
}

internal static class ChineseByDefault
{
    [ModuleInitializer]
    internal static void Set()
    {
        CultureInfo.DefaultThreadCurrentCulture = UiCulture.Chinese;
        CultureInfo.DefaultThreadCurrentUICulture = UiCulture.Chinese;
    }
}
