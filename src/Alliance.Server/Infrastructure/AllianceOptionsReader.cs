using System.Reflection;

namespace Alliance.Server.Infrastructure;

/// <summary>
/// Reads <see cref="AllianceOptions"/> strictly: a bad switch value stops start-up with one line
/// that names the key and the allowed values.
/// </summary>
public static class AllianceOptionsReader
{
    public static IReadOnlyCollection<string> KnownKeys { get; } =
        typeof(AllianceOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => $"{AllianceOptions.Section}:{p.Name}")
            .ToArray();

    public static AllianceOptions Read(IConfiguration configuration)
    {
        var section = configuration.GetSection(AllianceOptions.Section);
        var options = new AllianceOptions();
        foreach (var property in typeof(AllianceOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var raw = section[property.Name];
            if (raw is null)
            {
                continue;
            }

            property.SetValue(options, Convert(property, raw.Trim()));
        }

        Require(options);
        return options;
    }

    private static object? Convert(PropertyInfo property, string raw)
    {
        var key = $"{AllianceOptions.Section}:{property.Name}";
        var type = property.PropertyType;
        if (type.IsEnum)
        {
            var names = Enum.GetNames(type);
            var match = names.FirstOrDefault(n => string.Equals(n, raw, StringComparison.OrdinalIgnoreCase));
            return match is not null
                ? Enum.Parse(type, match)
                : throw new AllianceConfigurationException(
                    $"Configuration error: {key} = '{raw}' is not valid; allowed values: {string.Join(" | ", names)}.");
        }

        if (type == typeof(bool))
        {
            return bool.TryParse(raw, out var flag)
                ? flag
                : throw new AllianceConfigurationException($"Configuration error: {key} = '{raw}' is not valid; allowed values: true | false.");
        }

        if (type == typeof(int))
        {
            return int.TryParse(raw, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var number) && number > 0
                ? number
                : throw new AllianceConfigurationException($"Configuration error: {key} = '{raw}' is not valid; expected a positive whole number.");
        }

        if (type == typeof(TimeSpan))
        {
            return TimeSpan.TryParse(raw, System.Globalization.CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero
                ? span
                : throw new AllianceConfigurationException($"Configuration error: {key} = '{raw}' is not valid; expected a positive time span such as 00:00:01.");
        }

        return raw.Length == 0 ? null : raw;
    }

    private static void Require(AllianceOptions options)
    {
        if ((options.Database == DatabaseProvider.Postgres || options.Jobs == JobStorage.PostgreSql) && string.IsNullOrWhiteSpace(options.Postgres))
        {
            throw new AllianceConfigurationException(
                "Configuration error: Alliance:Postgres must be set (an Npgsql connection string) when Alliance:Database=Postgres or Alliance:Jobs=PostgreSql.");
        }

        if (options.Bus == BusTransport.RabbitMq && !Uri.TryCreate(options.RabbitMq, UriKind.Absolute, out _))
        {
            throw new AllianceConfigurationException(
                "Configuration error: Alliance:RabbitMq must be an AMQP URI such as amqp://guest:guest@127.0.0.1:5672/ when Alliance:Bus=RabbitMq.");
        }
    }
}

public sealed class AllianceConfigurationException(string message) : Exception(message);
