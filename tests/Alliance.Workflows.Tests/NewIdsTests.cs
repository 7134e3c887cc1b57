namespace Alliance.Workflows.Tests;

public sealed class New_ids
{
    [Fact]
    public void Should_be_version_7_with_the_time_in_milliseconds_first()
    {
        var at = new DateTimeOffset(2026, 12, 4, 12, 34, 56, 789, TimeSpan.Zero);

        var id = NewIds.Version7(at);

        Assert.Equal(7, id.Version);
        Assert.Equal(0b10, id.Variant >> 2);
        var bytes = id.ToByteArray(bigEndian: true);
        var milliseconds = 0L;
        for (var i = 0; i < 6; i++)
        {
            milliseconds = (milliseconds << 8) | bytes[i];
        }

        Assert.Equal(at.ToUnixTimeMilliseconds(), milliseconds);
        Assert.Equal(Guid.CreateVersion7(at).ToByteArray(bigEndian: true)[..6], bytes[..6]);
    }

    [Fact]
    public void Should_order_by_time_and_not_repeat_across_buffer_refills()
    {
        var at = DateTimeOffset.UtcNow;
        var ids = Enumerable.Range(0, 1000).Select(i => NewIds.Version7(at.AddMilliseconds(i))).ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(ids, ids.OrderBy(id => id.ToString()).ToList());
        var randoms = Enumerable.Range(0, 1000).Select(_ => NewIds.Version7(at).ToByteArray(bigEndian: true)[6..]).Select(Convert.ToHexString).ToList();
        Assert.Equal(randoms.Count, randoms.Distinct().Count());
    }
}
