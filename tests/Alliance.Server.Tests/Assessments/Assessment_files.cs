using System.Net;
using System.Text.Json.Nodes;
using Alliance.Server.Features.Demo;
using Alliance.Server.Tests.Bulletins;
using Alliance.Server.Tests.Infrastructure;
using DocumentFormat.OpenXml.Packaging;
using MiniExcelLibs;

namespace Alliance.Server.Tests.Assessments;

/// <summary>
/// 年度考核 as files (#18, "every ledger and report exports to .xlsx"): the assessment as .xlsx (概况, 得分, 依据, 异议) and
/// the year-end report as .docx, each holding what its reader may read: every score and the year's figure lines for the
/// street, the unit's own score once published, 404 for a draft or another street's unit, as the API's reads.
/// </summary>
public sealed class Assessment_files(AllianceAppFactory app) : IClassFixture<AllianceAppFactory>
{
    private const string Chair = DemoUsers.StreetChair;

    private static List<IDictionary<string, object>> Sheet(byte[] xlsx, string name)
    {
        using var stream = new MemoryStream(xlsx);
        return [.. stream.Query(sheetName: name).Cast<IDictionary<string, object>>()];
    }

    private static string Cell(IDictionary<string, object> row, int column) => row.Values.ElementAt(column)?.ToString() ?? "";

    private static string DocxText(byte[] docx)
    {
        using var document = WordprocessingDocument.Open(new MemoryStream(docx), false);
        return document.MainDocumentPart!.Document!.Body!.InnerText;
    }

    [Fact]
    public async Task The_street_downloads_every_score_and_its_evidence_and_a_unit_only_its_own_once_published()
    {
        var (created, view) = await app.SendAsync(Chair, HttpMethod.Post, "/api/assessments", new { alliance = BulletinsKit.StreetOneAlliance, year = 2023 });
        Assert.Equal(HttpStatusCode.Created, created);
        var id = view!["assessment"]!["id"]!.GetValue<string>();
        var title = view["assessment"]!["title"]!.GetValue<string>();
        var scores = view["scores"]!.AsArray().Select(s => s!.AsObject()).ToList();
        var path = $"/api/assessments/{id}";

        var xlsx = await app.DownloadAsync(Chair, $"{path}/assessment.xlsx");
        using (var stream = new MemoryStream(xlsx))
        {
            Assert.Equal(["概况", "得分", "依据", "异议"], stream.GetSheetNames());
        }

        var scoreRows = Sheet(xlsx, "得分");
        Assert.Equal(["名次", "名称", "类别", "计算得分", "异议调整", "总分", "等级", "按时办结得分"], scoreRows[0].Values.Take(8).Select(v => v?.ToString()));
        Assert.Equal(scores.Select(s => s["name"]!.GetValue<string>()), scoreRows.Skip(1).Select(r => Cell(r, 1)));
        Assert.Equal(scores.Select(s => s["place"]!.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture)), scoreRows.Skip(1).Select(r => Cell(r, 0)));
        var evidence = Sheet(xlsx, "依据");
        Assert.Equal(scores.Sum(s => s["criteria"]!.AsArray().Count), evidence.Count - 1);
        Assert.Contains(evidence.Skip(1), r => Cell(r, 6).Contains("/ledger?section=", StringComparison.Ordinal));
        var overview = Sheet(xlsx, "概况");
        Assert.Contains(overview, r => Cell(r, 1) == title);
        Assert.Contains(overview, r => Cell(r, 0) == "数据" && Cell(r, 1).StartsWith("承诺共建事项 ", StringComparison.Ordinal));
        Assert.Single(Sheet(xlsx, "异议")); // the header only

        var report = DocxText(await app.DownloadAsync(Chair, $"{path}/assessment.docx"));
        Assert.StartsWith(title, report, StringComparison.Ordinal);
        foreach (var heading in new[] { "一、年度工作情况", "二、考核权重", "三、得分排名", "四、异议及裁决", "承诺共建事项 " })
        {
            Assert.Contains(heading, report, StringComparison.Ordinal);
        }

        Assert.Contains(scores[0]["name"]!.GetValue<string>(), report, StringComparison.Ordinal);

        // a draft is not the unit's to read, as file or otherwise; once published, its own score only
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(DemoUsers.UnitContact, HttpMethod.Get, $"{path}/assessment.xlsx")).Status);
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(Chair, HttpMethod.Post, $"{path}/publish")).Status);
        var own = Sheet(await app.DownloadAsync(DemoUsers.UnitContact, $"{path}/assessment.xlsx"), "得分");
        var unitOne = scores.Single(s => s["organisationId"]!.GetValue<Guid>() == DemoRegion.Unit(1).Value)["name"]!.GetValue<string>();
        Assert.Equal(unitOne, Cell(Assert.Single(own.Skip(1)), 1));
        var ownReport = DocxText(await app.DownloadAsync(DemoUsers.UnitContact, $"{path}/assessment.docx"));
        Assert.Contains("三、本单位得分", ownReport, StringComparison.Ordinal);
        Assert.DoesNotContain("承诺共建事项 ", ownReport, StringComparison.Ordinal);
        var anotherUnit = scores.First(s => s["kind"]!.GetValue<string>() == "unit" && s["name"]!.GetValue<string>() != unitOne)["name"]!.GetValue<string>();
        Assert.DoesNotContain(anotherUnit, ownReport, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(DemoUsers.OtherUnitContact, HttpMethod.Get, $"{path}/assessment.docx")).Status);
    }
}
