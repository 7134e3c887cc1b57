using Alliance.Server.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Alliance.Server.Tests.Auth;

public sealed class Sign_in_settings
{
    [Fact]
    public void Have_defaults_and_are_read_from_the_alliance_section()
    {
        var defaults = AllianceOptionsReader.Read(new ConfigurationBuilder().Build());
        Assert.Equal((TimeSpan.FromHours(8), TimeSpan.FromHours(1), 5, TimeSpan.FromMinutes(15)),
            (defaults.SignInLifetime, defaults.TokenLifetime, defaults.LockoutMaxFailures, defaults.LockoutDuration));

        var configuration = new ConfigurationBuilder().AddInMemoryCollection([
            new("Alliance:TokenLifetime", "00:20:00"), new("Alliance:LockoutMaxFailures", "3")]).Build();
        var options = AllianceOptionsReader.Read(configuration);
        Assert.Equal((TimeSpan.FromMinutes(20), 3), (options.TokenLifetime, options.LockoutMaxFailures));
    }

    [Theory]
    [InlineData("LockoutMaxFailures", "many", "Configuration error: Alliance:LockoutMaxFailures = 'many' is not valid; expected a positive whole number.")]
    [InlineData("LockoutMaxFailures", "0", "Configuration error: Alliance:LockoutMaxFailures = '0' is not valid; expected a positive whole number.")]
    [InlineData("TokenLifetime", "forever", "Configuration error: Alliance:TokenLifetime = 'forever' is not valid; expected a positive time span such as 00:00:01.")]
    public void A_bad_value_stops_start_up_with_one_line(string key, string value, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new($"Alliance:{key}", value)]).Build();
        var error = Assert.Throws<AllianceConfigurationException>(() => AllianceOptionsReader.Read(configuration));
        Assert.Equal(expected, error.Message);
    }
}
