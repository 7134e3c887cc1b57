using System.Globalization;
using Alliance.Server.Features.Bulletins;
using Alliance.Server.Features.Ui;
using Alliance.Server.Infrastructure.Documents;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using MiniExcelLibs;
using C = Alliance.Server.Features.Assessments.AssessmentCriteria;

namespace Alliance.Server.Features.Assessments;

/// <summary>
/// An assessment as files, in Chinese, built from the <see cref="AssessmentView"/> the caller may read (so a unit's file
/// holds its own score only): .xlsx (MiniExcel: sheets 概况, 得分, 依据, 异议) and the year-end report as .docx (Open XML
/// SDK: 一、年度工作情况 with the year's figure lines, 二、考核权重, 三、得分排名, 四、异议及裁决, 五、区级审定意见).
/// Times in China Standard Time.
/// </summary>
public static class AssessmentFiles
{
    private static readonly string[] ScoreHeader =
        ["名次", "名称", "类别", "计算得分", "异议调整", "总分", "等级", .. C.All.Select(c => C.Name(c).Zh + "得分"), "参与度"];

    private static readonly string[] EvidenceHeader = ["名称", "指标", "权重", "达成率", "得分", "依据", "台账"];

    private static readonly string[] ObjectionHeader = ["单位", "指标", "理由", "提出时间", "状态", "调整", "裁决意见", "裁决时间"];

    public static string FileName(AssessmentView view, string extension)
    {
        ArgumentNullException.ThrowIfNull(view);
        return $"{view.Assessment.Title}.{extension}";
    }

    public static byte[] Xlsx(AssessmentView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var book = new Dictionary<string, object>
        {
            ["概况"] = SheetParts.Sheet(["项目", "内容"], Overview(view)),
            ["得分"] = SheetParts.Sheet(ScoreHeader, view.Scores.Select(ScoreRow)),
            ["依据"] = SheetParts.Sheet(EvidenceHeader, view.Scores.SelectMany(s => s.Criteria.Select(c => EvidenceRow(s, c)))),
            ["异议"] = SheetParts.Sheet(ObjectionHeader, view.Objections.Select(ObjectionRow)),
        };
        using var stream = new MemoryStream();
        stream.SaveAs(book, printHeader: false, excelType: ExcelType.XLSX);
        return stream.ToArray();
    }

    public static byte[] Docx(AssessmentView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var a = view.Assessment;
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, DocumentFormat.OpenXml.WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            var body = new Body(WordParts.Paragraph(a.Title, bold: true, centred: true, size: "36"));
            body.Append(WordParts.Paragraph($"（{AssessmentOperations.StatusZh(a.Status)}）", centred: true, size: "24"));
            body.Append(WordParts.Paragraph("一、年度工作情况", bold: true));
            if (view.Lines.Count == 0)
            {
                body.Append(WordParts.Paragraph("　　本文件只含本单位的得分；全街道的年度数据由街道和区级查看。"));
            }
            else
            {
                body.Append(WordParts.Paragraph($"　　考核范围：{string.Join("、", view.Alliances)}。"));
                foreach (var line in view.Lines)
                {
                    body.Append(WordParts.Paragraph($"　　{line}。"));
                }
            }

            body.Append(WordParts.Paragraph("二、考核权重", bold: true));
            body.Append(WordParts.Paragraph("　　" + Weights(view.Weights) + "。不适用的指标，其权重按比例分给其余指标。"));
            body.Append(WordParts.Paragraph(view.Lines.Count == 0 ? "三、本单位得分" : "三、得分排名", bold: true));
            body.Append(WordParts.Table(ScoreHeader, view.Scores.Select(s => ScoreRow(s).Select(Text).ToList())));
            body.Append(WordParts.Paragraph("四、异议及裁决", bold: true));
            if (view.Objections.Count == 0)
            {
                body.Append(WordParts.Paragraph("　　无异议。"));
            }
            else
            {
                body.Append(WordParts.Table(ObjectionHeader, view.Objections.Select(o => ObjectionRow(o).Select(Text).ToList())));
            }

            if (view.DistrictNote is { } note)
            {
                body.Append(WordParts.Paragraph("五、区级审定意见", bold: true));
                body.Append(WordParts.Paragraph($"　　{note}"));
            }

            main.Document = new Document(body);
            main.Document.Save();
        }

        return stream.ToArray();
    }

    private static IEnumerable<object?[]> Overview(AssessmentView view)
    {
        var a = view.Assessment;
        yield return ["考核", a.Title];
        yield return ["年度", a.Year];
        yield return ["街道联盟", a.Alliance];
        yield return ["状态", AssessmentOperations.StatusZh(a.Status)];
        yield return ["计算时间", Cst(a.ComputedUtc)];
        if (a.PublishedUtc is { } published)
        {
            yield return ["发布时间", Cst(published)];
            yield return ["异议截止", Cst(a.ObjectionDeadlineUtc)];
        }

        if (a.ApprovedUtc is { } approved)
        {
            yield return ["区级审定", Cst(approved)];
        }

        yield return ["权重", Weights(view.Weights)];
        yield return ["参评单位", view.Scores.Count];
        if (view.Lines.Count > 0)
        {
            yield return ["平均分", a.Average];
            yield return ["范围", string.Join("、", view.Alliances)];
            foreach (var line in view.Lines)
            {
                yield return ["数据", line];
            }
        }

        if (view.DistrictNote is { } note)
        {
            yield return ["区级意见", note];
        }
    }

    private static object?[] ScoreRow(OrganisationScore s) =>
        [s.Place, s.Name, BulletinFiles.KindZh(s.Kind), s.Computed, s.Adjustment == 0 ? null : s.Adjustment, s.Total, s.GradeZh,
         .. C.All.Select(c => (object?)s.Criteria.FirstOrDefault(x => x.Criterion == c)?.Points), s.Participation];

    private static object?[] EvidenceRow(OrganisationScore s, CriterionScore c) =>
        [s.Name, C.Name(c.Criterion).Zh, c.Weight, c.Rate is { } r ? Percent(r) : "不适用", c.Points, c.BasisZh,
         string.Join("\n", c.Evidence.Select(e => $"{e.LabelZh}：{e.Href}"))];

    private static object?[] ObjectionRow(ObjectionView o) =>
        [o.Organisation, o.Criterion is { } c ? C.Name(c).Zh : "总分", o.Reason, Cst(o.RaisedUtc), AssessmentObjection.StatusName(o.Status).Zh,
         o.Status == AssessmentObjection.Upheld ? o.Adjustment : null, o.Ruling, Cst(o.RuledUtc)];

    private static string Weights(AssessmentWeights w) =>
        string.Join("，", C.All.Select(c => $"{C.Name(c).Zh} {w.Of(c)}"));

    private static string Text(object? value) => value switch
    {
        null => "—",
        double d => d.ToString("0.#", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static string Percent(double rate) => string.Create(CultureInfo.InvariantCulture, $"{rate * 100:0.#}%");

    private static string Cst(DateTime? utc) => utc is { } u ? UiText.Time(u) : "";
}
