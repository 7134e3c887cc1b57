using System.Globalization;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Features.Resources;

namespace Alliance.Server.Features.Ui.Pages.Resources;

/// <summary>
/// What the 登记/修改共享资源 form holds, read from the posted form (categories are repeated checkboxes, opening hours one
/// row per weekday: open or closed, from–to), and the request <see cref="ResourceOperations"/> takes. A day ticked open
/// without both times is the form's own field error (the request cannot carry it); the rest is the operation's to check.
/// </summary>
public sealed class ResourceFormInput
{
    /// <summary>The weekdays in the order a Chinese week is read (Monday first).</summary>
    public static readonly DayOfWeek[] Week =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday];

    public Guid? OwnerId { get; set; }

    public string? Kind { get; set; }

    public string? VenueType { get; set; }

    public string? Name { get; set; }

    public string? Description { get; set; }

    public HashSet<string> Categories { get; } = new(StringComparer.Ordinal);

    public string? Capacity { get; set; }

    public bool Exclusive { get; set; }

    public bool RequiresApproval { get; set; } = true;

    public int SlotMinutes { get; set; } = 30;

    /// <summary>Per weekday: open, and the times as typed (HH:mm).</summary>
    public Dictionary<DayOfWeek, (bool Open, string? From, string? To)> Hours { get; } =
        Week.ToDictionary(d => d, d => (d is not (DayOfWeek.Saturday or DayOfWeek.Sunday), (string?)"09:00", (string?)"17:00"));

    public string? Address { get; set; }

    public string? Contact { get; set; }

    /// <summary>The form field of one weekday's opening hours (its error shows beside the row).</summary>
    public static string DayField(DayOfWeek day) => $"openingHours.{day.ToString().ToLowerInvariant()}";

    public static ResourceFormInput From(ResourcesApi.ResourceResponse resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var input = new ResourceFormInput
        {
            OwnerId = resource.OwnerId.Value,
            Kind = Api(resource.Kind.ToString()),
            VenueType = resource.VenueType is { } v ? Api(v.ToString()) : null,
            Name = resource.Name,
            Description = resource.Description,
            Capacity = resource.Capacity.ToString(CultureInfo.InvariantCulture),
            Exclusive = resource.Exclusive,
            RequiresApproval = resource.RequiresApproval,
            SlotMinutes = resource.SlotMinutes,
            Address = resource.Address,
            Contact = resource.Contact,
        };
        input.Categories.UnionWith(resource.Categories);
        foreach (var day in Week)
        {
            var first = resource.OpeningHours.FirstOrDefault(p => p.Day == day);
            input.Hours[day] = first is null ? (false, null, null) : (true, Time(first.From), Time(first.To));
        }

        return input;
    }

    public static ResourceFormInput From(IFormCollection form)
    {
        ArgumentNullException.ThrowIfNull(form);
        var input = new ResourceFormInput
        {
            OwnerId = Guid.TryParse(form["ownerId"], out var owner) ? owner : null,
            Kind = Text(form, "kind"),
            VenueType = Text(form, "venueType"),
            Name = form["name"],
            Description = form["description"],
            Capacity = Text(form, "capacity"),
            Exclusive = form["exclusive"] == "true",
            RequiresApproval = form["requiresApproval"] == "true",
            SlotMinutes = int.TryParse(form["slotMinutes"], CultureInfo.InvariantCulture, out var slot) ? slot : 30,
            Address = form["address"],
            Contact = form["contact"],
        };
        input.Categories.UnionWith(form["category"].Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c!));
        foreach (var day in Week)
        {
            var key = day.ToString().ToLowerInvariant();
            input.Hours[day] = (form[$"open-{key}"] == "true", Text(form, $"from-{key}"), Text(form, $"to-{key}"));
        }

        return input;
    }

    /// <summary>
    /// The request, or the form's own errors (a day open without both times, a capacity that is not a number). Editing
    /// (<paramref name="current"/> given), what the form does not show is sent as it is, so saving never drops it: the
    /// exception dates, the suitable groups, the sharing alliance, and a day's later opening periods (the form edits the
    /// first of each day).
    /// </summary>
    public (ResourcesApi.RegisterResourceRequest Request, Dictionary<string, string> Errors) ToRequest(Guid? ownerId, ResourcesApi.ResourceResponse? current = null)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var periods = new List<OpeningPeriod>();
        foreach (var day in Week)
        {
            var (open, from, to) = Hours[day];
            if (!open)
            {
                continue;
            }

            if (TimeOnly.TryParse(from, CultureInfo.InvariantCulture, out var f) && TimeOnly.TryParse(to, CultureInfo.InvariantCulture, out var t))
            {
                periods.Add(new OpeningPeriod(day, f, t));
                periods.AddRange(current?.OpeningHours.Where(p => p.Day == day).OrderBy(p => p.From).Skip(1) ?? []);
            }
            else
            {
                errors[DayField(day)] = UiText.L("请填写开始和结束时间，或标为不开放。", "Give the opening and closing times, or mark the day closed.");
            }
        }

        int? capacity = null;
        if (Capacity is not null)
        {
            if (int.TryParse(Capacity, NumberStyles.Integer, CultureInfo.InvariantCulture, out var c))
            {
                capacity = c;
            }
            else
            {
                errors["capacity"] = UiText.L("容量须为整数。", "The capacity must be a whole number.");
            }
        }

        var request = new ResourcesApi.RegisterResourceRequest(
            ownerId is { } o ? new OrganisationId(o) : null, current?.AllianceId, Kind, VenueType, Name, Description, [.. Categories], capacity, Exclusive,
            RequiresApproval, SlotMinutes, periods, current is null ? null : [.. current.Exceptions], current is null ? null : [.. current.SuitableGroups],
            Address, Contact);
        return (request, errors);
    }

    /// <summary>The index of each sent opening period's weekday, so that an error on <c>openingHours[i]</c> shows beside its day.</summary>
    public static Dictionary<string, string> PlaceErrors(Dictionary<string, string> errors, ResourcesApi.RegisterResourceRequest request)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(request);
        var placed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (field, text) in errors)
        {
            var key = field;
            if (field.StartsWith("openingHours[", StringComparison.Ordinal) && request.OpeningHours is { } hours
                && int.TryParse(field.AsSpan(13, field.IndexOf(']', StringComparison.Ordinal) - 13), CultureInfo.InvariantCulture, out var i) && i < hours.Count)
            {
                key = DayField(hours[i].Day);
            }

            placed.TryAdd(key, text);
        }

        return placed;
    }

    /// <summary>An enum value as the API spells it (camelCase).</summary>
    public static string Api(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    private static string Time(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);

    private static string? Text(IFormCollection form, string key) => string.IsNullOrWhiteSpace(form[key]) ? null : form[key].ToString().Trim();
}
