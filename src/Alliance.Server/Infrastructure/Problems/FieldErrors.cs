namespace Alliance.Server.Infrastructure.Problems;

/// <summary>Collects one bilingual message per bad field, then throws them together as a <see cref="ValidationProblem"/>.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, BilingualText> _errors = [];

    public bool Any => _errors.Count > 0;

    public bool Has(string field) => _errors.ContainsKey(field);

    public FieldErrors Add(string field, string zh, string en)
    {
        _errors.TryAdd(field, new BilingualText(zh, en));
        return this;
    }

    /// <summary>A required text: present, not blank, at most <paramref name="maxLength"/> characters.</summary>
    public FieldErrors Text(string field, string? value, BilingualText name, int maxLength, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                Add(field, $"请填写{name.Zh}。", $"The {name.En} is required.");
            }
        }
        else if (value.Trim().Length > maxLength)
        {
            Add(field, $"{name.Zh}不能超过 {maxLength} 个字符。", $"The {name.En} must be at most {maxLength} characters.");
        }

        return this;
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

    public void ThrowIfAny()
    {
        if (_errors.Count > 0)
        {
            throw new ValidationProblem(_errors);
        }
    }
}
