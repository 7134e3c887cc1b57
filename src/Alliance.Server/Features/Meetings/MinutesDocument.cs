using Alliance.Server.Infrastructure.Documents;
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
        using (var document = WordprocessingDocument.Create(stream, DocumentFormat.OpenXml.WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            var body = new Body();
            body.Append(WordParts.Paragraph(title, bold: true, centred: true, size: "36"));
            foreach (var line in minutes.Split('\n'))
            {
                body.Append(WordParts.Paragraph(line.TrimEnd('\r'), bold: line.StartsWith("议题", StringComparison.Ordinal)));
            }

            main.Document = new Document(body);
            main.Document.Save();
        }

        return stream.ToArray();
    }
}
