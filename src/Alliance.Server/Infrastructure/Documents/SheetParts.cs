using System.Globalization;

namespace Alliance.Server.Infrastructure.Documents;

/// <summary>Sheets for MiniExcel written without its own header row: the header is the first data row, so an empty sheet still has its columns.</summary>
public static class SheetParts
{
    public static IEnumerable<IDictionary<string, object?>> Sheet(IReadOnlyList<string> header, IEnumerable<object?[]> rows)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(rows);
        return Rows(header, rows);
    }

    private static IEnumerable<IDictionary<string, object?>> Rows(IReadOnlyList<string> header, IEnumerable<object?[]> rows)
    {
        yield return Row(header.Cast<object?>().ToArray());
        foreach (var row in rows)
        {
            yield return Row(row);
        }
    }

    private static Dictionary<string, object?> Row(object?[] cells)
    {
        var row = new Dictionary<string, object?>(cells.Length);
        for (var i = 0; i < cells.Length; i++)
        {
            row[string.Create(CultureInfo.InvariantCulture, $"c{i}")] = cells[i];
        }

        return row;
    }
}
