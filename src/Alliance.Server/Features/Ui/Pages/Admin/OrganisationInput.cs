using Alliance.Server.Features.Organisations;

namespace Alliance.Server.Features.Ui.Pages.Admin;

/// <summary>What the 组织 forms post; the kind, unit type and parent as their names, checked by OrganisationOperations.</summary>
public sealed class OrganisationInput
{
    public string? Kind { get; set; }

    public string? ParentId { get; set; }

    public string? Name { get; set; }

    public string? UnitType { get; set; }

    /// <summary>Service categories in one box, separated by 、 or commas.</summary>
    public string? Categories { get; set; }

    public string? Address { get; set; }

    public static OrganisationInput From(OrganisationsApi.OrganisationResponse organisation)
    {
        ArgumentNullException.ThrowIfNull(organisation);
        return new()
        {
            Kind = organisation.Kind.ToString(),
            Name = organisation.Name,
            UnitType = organisation.UnitType?.ToString(),
            Categories = string.Join("、", organisation.ServiceCategories),
            Address = organisation.Address,
        };
    }
}
