namespace Alliance.Server.Infrastructure.Problems;

/// <summary>Collects one bilingual message per bad field, then throws them together as a <see cref="ValidationProblem"/>.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, BilingualText> _errors = [];

    private ForbiddenProblem? _forbidden;

    public bool Any => _errors.Count > 0;

    public bool Has(string field) => _errors.ContainsKey(field);

    public FieldErrors Add(string field, string zh, string en)
    {
        _errors.TryAdd(field, new BilingualText(zh, en));
        return this;
    }

    /// <summary>Texts allowed this many characters or more are long texts: line breaks and tabs are allowed in them.</summary>
    public const int LongText = 500;

    /// <summary>
    /// A text: present and not blank when required; no control characters (line breaks and tabs only in long texts of
    /// <see cref="LongText"/> characters or more); at most <paramref name="maxLength"/> UTF-16 characters once trimmed and
    /// in NFC, the form it is stored in (request bodies arrive in NFC already: <c>Api.CleanTextConverter</c>). The columns
    /// hold at least <paramref name="maxLength"/> on both databases, so the limit is the same on SQLite and PostgreSQL.
    /// </summary>
    public FieldErrors Text(string field, string? value, BilingualText name, int maxLength, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                Add(field, $"请填写{name.Zh}。", $"The {name.En} is required.");
            }
        }
        else if (Api.CleanTextConverter.HasControl(value, allowLineBreaks: maxLength >= LongText))
        {
            Add(field, maxLength >= LongText ? $"{name.Zh}不能包含控制字符（换行和制表符除外）。" : $"{name.Zh}不能包含换行、制表符或其他控制字符。",
                maxLength >= LongText ? $"The {name.En} must not contain control characters (line breaks and tabs are allowed)." : $"The {name.En} must not contain line breaks, tabs or other control characters.");
        }
        else if (Stored(value).Length > maxLength)
        {
            Add(field, $"{name.Zh}不能超过 {maxLength} 个字符。", $"The {name.En} must be at most {maxLength} characters.");
        }

        return this;
    }

    /// <summary>A text as it is stored: trimmed and in NFC (invalid Unicode is left as it is; request bodies never carry it).</summary>
    public static string Stored(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var trimmed = value.Trim();
        try
        {
            return trimmed.IsNormalized(System.Text.NormalizationForm.FormC) ? trimmed : trimmed.Normalize(System.Text.NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            return trimmed;
        }
    }

    public FieldErrors Required<T>(string field, T? value, BilingualText name)
        where T : struct
    {
        if (value is null)
        {
            Add(field, $"请填写{name.Zh}。", $"The {name.En} is required.");
        }

        return this;
    }

    /// <summary>A referenced thing that does not exist or is out of the caller's scope (the two are not told apart).</summary>
    public FieldErrors Unknown(string field, BilingualText name) =>
        Add(field, $"{name.Zh}不存在，或您无权查看。", $"The {name.En} does not exist, or is not visible to you.");

    /// <summary>
    /// The caller named an organisation it does not act for. The one rule for this (docs/api.md): 403
    /// <c>scope.not-acting-for</c>, never a field error, thrown by <see cref="ThrowIfAny"/> once the fields themselves are good.
    /// </summary>
    public FieldErrors NotActingFor(BilingualText organisation)
    {
        _forbidden ??= ForbiddenProblem.NotActingFor(organisation);
        return this;
    }

    public void ThrowIfAny()
    {
        if (_errors.Count > 0)
        {
            throw new ValidationProblem(_errors);
        }

        if (_forbidden is not null)
        {
            throw _forbidden;
        }
    }
}
