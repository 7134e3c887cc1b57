using System.Globalization;
using Alliance.Server.Features.Reports;
using Alliance.Server.Infrastructure.Documents;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using MiniExcelLibs;

namespace Alliance.Server.Features.Bulletins;

/// <summary>
/// A bulletin as files, in Chinese: .xlsx (MiniExcel: sheets 概况, 排名, 逾期事项) and .docx (Open XML SDK: the title,
/// 一、总体情况, 二、红黄绿排名, 三、逾期事项, and the review note). Times in China Standard Time.
/// </summary>
public static class BulletinFiles
{
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string DocxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    private static readonly string[] RankingHeader = ["名次", "名称", "类别", "等级", "原因", "参与度", "解决事项", "完成任务", "逾期任务", "督办", "满意率", "出席率"];
    private static readonly string[] OverdueHeader = ["事项", "类型", "提交单位", "环节", "承办单位", "截止时间", "逾期天数", "已督办"];

    public static string FileName(MonthlyBulletin bulletin, string extension)
    {
        ArgumentNullException.ThrowIfNull(bulletin);
        return $"{bulletin.Title}.{extension}";
    }

    public static byte[] Xlsx(MonthlyBulletin bulletin, BulletinContent content)
    {
        ArgumentNullException.ThrowIfNull(bulletin);
        ArgumentNullException.ThrowIfNull(content);
        var book = new Dictionary<string, object>
        {
            ["概况"] = SheetParts.Sheet(["项目", "内容"], Overview(bulletin, content)),
            ["排名"] = SheetParts.Sheet(RankingHeader, content.Ranking.Select(RankingRow)),
            ["逾期事项"] = SheetParts.Sheet(OverdueHeader, content.Overdue.Select(OverdueRow)),
        };
        using var stream = new MemoryStream();
        stream.SaveAs(book, printHeader: false, excelType: ExcelType.XLSX);
        return stream.ToArray();
    }

    public static byte[] Docx(MonthlyBulletin bulletin, BulletinContent content)
    {
        ArgumentNullException.ThrowIfNull(bulletin);
        ArgumentNullException.ThrowIfNull(content);
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, DocumentFormat.OpenXml.WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            var body = new Body(WordParts.Paragraph(bulletin.Title, bold: true, centred: true, size: "36"));
            body.Append(WordParts.Paragraph(bulletin.Status == MonthlyBulletin.Published ? $"发布日期：{China(bulletin.PublishedUtc!.Value):yyyy年M月d日}" : "（待审核稿）", centred: true, size: "24"));
            body.Append(WordParts.Paragraph("一、总体情况", bold: true));
            body.Append(WordParts.Paragraph($"本月通报范围：{string.Join("、", content.Alliances)}。"));
            foreach (var line in content.Figures.Lines)
            {
                body.Append(WordParts.Paragraph($"　　{line}。"));
            }

            var f = content.Figures;
            body.Append(WordParts.Paragraph(string.Create(CultureInfo.InvariantCulture,
                $"　　本月提交事项 {f.Items.Raised.Total} 件，解决 {f.Items.Resolved.Total} 件，逾期 {f.Items.Overdue.Total} 件，提交街道督办 {f.Items.Escalated.Total} 件；完成任务 {f.Work.TasksDone} 项。")));
            body.Append(WordParts.Paragraph("二、红黄绿排名", bold: true));
            body.Append(WordParts.Paragraph("　　红：被督办、逾期任务 3 项及以上或满意率低于 60%；黄：逾期任务 1–2 项、满意率低于 80%、会议出席率低于 80% 或本月未参与；绿：其余。", size: "21"));
            body.Append(WordParts.Table(RankingHeader, content.Ranking.Select(r => RankingRow(r).Select(Text).ToList())));
            body.Append(WordParts.Paragraph("三、逾期事项", bold: true));
            if (content.Overdue.Count == 0)
            {
                body.Append(WordParts.Paragraph("　　生成通报时没有逾期任务。"));
            }
            else
            {
                body.Append(WordParts.Table(OverdueHeader, content.Overdue.Select(o => OverdueRow(o).Select(Text).ToList())));
            }

            if (bulletin.ReviewNote is { } note)
            {
                body.Append(WordParts.Paragraph("四、审核意见", bold: true));
                body.Append(WordParts.Paragraph($"　　{note}"));
            }

            main.Document = new Document(body);
            main.Document.Save();
        }

        return stream.ToArray();
    }

    public static string LightZh(BulletinLight light) => light switch
    {
        BulletinLight.Red => "红",
        BulletinLight.Yellow => "黄",
        _ => "绿",
    };

    public static string KindZh(string kind) => kind switch
    {
        "community" => "社区",
        "unit" => "共建单位",
        "deliberation" => "大事共议",
        "decision" => "要事共决",
        "jointTask" => "实事共办",
        "urgent" => "急事共商",
        "commitment" => "共建承诺",
        "resourceRequest" => "资源预约",
        _ => kind,
    };

    private static IEnumerable<object?[]> Overview(MonthlyBulletin bulletin, BulletinContent content)
    {
        yield return ["通报", bulletin.Title];
        yield return ["月份", ReportMonth.Text(bulletin.Month)];
        yield return ["状态", bulletin.Status == MonthlyBulletin.Published ? "已发布" : "待审核"];
        yield return ["范围", string.Join("、", content.Alliances)];
        foreach (var line in content.Figures.Lines)
        {
            yield return ["数据", line];
        }

        yield return ["红 / 黄 / 绿", string.Create(CultureInfo.InvariantCulture,
            $"{content.Ranking.Count(r => r.Light == BulletinLight.Red)} / {content.Ranking.Count(r => r.Light == BulletinLight.Yellow)} / {content.Ranking.Count(r => r.Light == BulletinLight.Green)}")];
        yield return ["逾期任务", content.Overdue.Count];
        if (bulletin.ReviewNote is { } note)
        {
            yield return ["审核意见", note];
        }
    }

    private static object?[] RankingRow(RankedOrganisation r) =>
        [r.Place, r.Name, KindZh(r.Kind), LightZh(r.Light), r.ReasonsZh.Count == 0 ? "—" : string.Join("；", r.ReasonsZh), r.Participation, r.ItemsResolved,
         r.TasksDone, r.TasksOverdue, r.Supervised, Percent(r.SatisfactionRate), Percent(r.AttendanceRate)];

    private static object?[] OverdueRow(OverdueWork o) =>
        [o.Item, KindZh(o.Kind), o.Submitter, o.StepZh, o.Holder ?? "（待认领）", China(o.DeadlineUtc).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), o.DaysOverdue, o.Supervised ? "是" : "否"];

    private static string Text(object? value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";

    private static string Percent(double? rate) => rate is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v * 100:0.#}%") : "—";

    private static DateTime China(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), ReportMonth.ChinaTime);
}
