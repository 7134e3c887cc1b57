using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Alliance.Server.Infrastructure.Documents;

/// <summary>The parts the product's Word documents (.docx, Open XML SDK) are built of: paragraphs and simple tables in a Chinese font (SimSun).</summary>
public static class WordParts
{
    /// <summary>A paragraph of one run; <paramref name="size"/> in half-points ("28" is 14 pt).</summary>
    public static Paragraph Paragraph(string text, bool bold = false, bool centred = false, string size = "28")
    {
        var paragraph = new Paragraph(new Run(Font(bold, size), new Text(text) { Space = SpaceProcessingModeValues.Preserve }));
        if (centred)
        {
            paragraph.PrependChild(new ParagraphProperties(new Justification { Val = JustificationValues.Center }));
        }

        return paragraph;
    }

    /// <summary>A table with single borders: a bold header row, then the rows as given.</summary>
    public static Table Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(rows);
        var border = BorderValues.Single;
        var table = new Table(new TableProperties(
            new TableWidth { Type = TableWidthUnitValues.Pct, Width = "5000" },
            new TableBorders(
                new TopBorder { Val = border, Size = 4 }, new BottomBorder { Val = border, Size = 4 }, new LeftBorder { Val = border, Size = 4 },
                new RightBorder { Val = border, Size = 4 }, new InsideHorizontalBorder { Val = border, Size = 4 }, new InsideVerticalBorder { Val = border, Size = 4 })));
        table.Append(Row(header, bold: true));
        foreach (var row in rows)
        {
            table.Append(Row(row, bold: false));
        }

        return table;
    }

    private static TableRow Row(IReadOnlyList<string> cells, bool bold) =>
        new([.. cells.Select(c => new TableCell(new Paragraph(new Run(Font(bold, "21"), new Text(c) { Space = SpaceProcessingModeValues.Preserve }))))]);

    private static RunProperties Font(bool bold, string size)
    {
        var properties = new RunProperties(new RunFonts { EastAsia = "SimSun", Ascii = "SimSun", HighAnsi = "SimSun" }, new FontSize { Val = size });
        if (bold)
        {
            properties.Append(new Bold());
        }

        return properties;
    }
}
