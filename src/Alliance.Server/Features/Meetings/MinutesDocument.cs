using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Alliance.Server.Features.Meetings;

/// <summary>Writes minutes as a Word document (.docx, Open XML SDK): a bold centred title, then one paragraph per line, in a Chinese font.</summary>
public static class MinutesDocument
{
    public static byte[] Write(string title, string minutes)
    {
        ArgumentNullException.ThrowIfNull(minutes);
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            var body = new Body();
            body.Append(Paragraph(title, bold: true, centred: true, size: "36"));
            foreach (var line in minutes.Split('\n'))
            {
                body.Append(Paragraph(line.TrimEnd('\r'), bold: line.StartsWith("议题", StringComparison.Ordinal), centred: false, size: "28"));
            }

            main.Document = new Document(body);
            main.Document.Save();
        }

        return stream.ToArray();
    }

    private static Paragraph Paragraph(string text, bool bold, bool centred, string size)
    {
        var properties = new RunProperties(new RunFonts { EastAsia = "SimSun", Ascii = "SimSun", HighAnsi = "SimSun" }, new FontSize { Val = size });
        if (bold)
        {
            properties.Append(new Bold());
        }

        var paragraph = new Paragraph(new Run(properties, new Text(text) { Space = SpaceProcessingModeValues.Preserve }));
        if (centred)
        {
            paragraph.PrependChild(new ParagraphProperties(new Justification { Val = JustificationValues.Center }));
        }

        return paragraph;
    }
}
