using System.Security.Cryptography;

namespace Alliance.Workflows;

/// <summary>
/// New UUIDs for the runtime's rows and stimuli, with the layout of <see cref="Guid.CreateVersion7()"/> (RFC 9562
/// version 7), whose random bits come from a per-thread buffer that
/// <see cref="RandomNumberGenerator.Fill"/> refills every 256 ids. <see cref="Guid.CreateVersion7()"/> (like <see cref="Guid.NewGuid"/>) reads the kernel's random
/// source (a <c>read</c> system call) once per id on Linux: in <c>perf</c> profiles of the workflow benchmark ~2 % of a
/// persisted step's CPU (SQLite) and ~8 % of the runtime alone;
/// the buffer is filled from .NET's cryptographically secure generator, so the ids stay unguessable.
/// </summary>
internal static class NewIds
{
    private const int BufferSize = 4096;

    [ThreadStatic]
    private static byte[]? t_random;

    [ThreadStatic]
    private static int t_used;

    /// <summary>A version 7 UUID: the Unix time in milliseconds in the first 48 bits (so new rows append to their key index), then random bits.</summary>
    public static Guid Version7() => Version7(DateTimeOffset.UtcNow);

    /// <inheritdoc cref="Version7()"/>
    public static Guid Version7(DateTimeOffset timestamp)
    {
        var milliseconds = timestamp.ToUnixTimeMilliseconds();
        ArgumentOutOfRangeException.ThrowIfNegative(milliseconds, nameof(timestamp));
        var random = Next();
        return new Guid(
            (int)(milliseconds >> 16),
            (short)milliseconds,
            (short)((BitConverter.ToUInt16(random[..2]) & 0x0FFF) | 0x7000),
            (byte)((random[2] & 0x3F) | 0x80),
            random[3], random[4], random[5], random[6], random[7], random[8], random[9]);
    }

    /// <summary>The next 16 unused random bytes of this thread's buffer (refilled when spent; never handed out twice).</summary>
    private static ReadOnlySpan<byte> Next()
    {
        var buffer = t_random;
        if (buffer is null || t_used == BufferSize)
        {
            buffer = t_random ??= new byte[BufferSize];
            RandomNumberGenerator.Fill(buffer);
            t_used = 0;
        }

        var span = buffer.AsSpan(t_used, 16);
        t_used += 16;
        return span;
    }
}
