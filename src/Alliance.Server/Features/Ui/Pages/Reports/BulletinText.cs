using Alliance.Server.Features.Bulletins;

namespace Alliance.Server.Features.Ui.Pages.Reports;

/// <summary>A bulletin's words on the pages, in the page's language.</summary>
public static class BulletinText
{
    public static string Status(string status) =>
        status == MonthlyBulletin.Published ? UiText.L("已发布", "Published") : UiText.L("待审核", "Awaiting review");

    public static string Light(BulletinLight light) => light switch
    {
        BulletinLight.Red => UiText.L("红", "Red"),
        BulletinLight.Yellow => UiText.L("黄", "Yellow"),
        _ => UiText.L("绿", "Green"),
    };

    public static string LightClass(BulletinLight light) => light switch
    {
        BulletinLight.Red => "light-red",
        BulletinLight.Yellow => "light-yellow",
        _ => "light-green",
    };

    public static IReadOnlyList<string> Reasons(RankedOrganisation o) => UiCulture.IsEnglish ? o.ReasonsEn : o.ReasonsZh;
}
