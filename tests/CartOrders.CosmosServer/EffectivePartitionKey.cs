using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace CartOrders.CosmosServer;

/// <summary>
/// Effective partition keys of hash partitioning version 2, as the SDK computes them: each
/// component written in its hashing encoding (a type byte, then a string's UTF-8 bytes and 0xFF, a
/// number's IEEE double, nothing for true, false, null or undefined), MurmurHash3 x64 128-bit with
/// seed 0 over all of it, the 16 bytes reversed, the first byte masked with 0x3F, as 32 upper-case
/// hex digits. Ranges are ordinal string intervals over those digits, "" to "FF".
/// </summary>
internal static class EffectivePartitionKey
{
    // Version 2 keys all fall below 0x40 followed by zeros (the first byte is masked with 0x3F).
    private static readonly BigInteger s_top = BigInteger.One << 126;

    public static string Of(string partitionKeyJson)
    {
        using var document = JsonDocument.Parse(partitionKeyJson);
        using var bytes = new MemoryStream();
        var number = new byte[8];
        foreach (var component in document.RootElement.EnumerateArray())
        {
            switch (component.ValueKind)
            {
                case JsonValueKind.String:
                    bytes.WriteByte(0x08);
                    bytes.Write(Encoding.UTF8.GetBytes(component.GetString()!));
                    bytes.WriteByte(0xFF);
                    break;
                case JsonValueKind.Number:
                    bytes.WriteByte(0x05);
                    BinaryPrimitives.WriteDoubleLittleEndian(number, component.GetDouble());
                    bytes.Write(number);
                    break;
                case JsonValueKind.True:
                    bytes.WriteByte(0x03);
                    break;
                case JsonValueKind.False:
                    bytes.WriteByte(0x02);
                    break;
                case JsonValueKind.Null:
                    bytes.WriteByte(0x01);
                    break;
                default:
                    bytes.WriteByte(0x00);
                    break;
            }
        }

        var (low, high) = MurmurHash3X64(bytes.ToArray());
        Span<byte> hash = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(hash, high);
        BinaryPrimitives.WriteUInt64BigEndian(hash[8..], low);
        hash[0] &= 0x3F;
        return Convert.ToHexString(hash);
    }

    /// <summary>n + 1 bounds that cut the key space into n ranges of equal width.</summary>
    public static string[] SplitEvenly(int ranges)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ranges, 1);
        var bounds = new string[ranges + 1];
        bounds[0] = ContainerState.MinEpk;
        bounds[ranges] = ContainerState.MaxEpk;
        for (var i = 1; i < ranges; i++)
        {
            bounds[i] = Format(s_top * i / ranges);
        }

        return bounds;
    }

    public static string Middle(string min, string max) => Format((Parse(min) + Parse(max)) / 2);

    private static BigInteger Parse(string epk) =>
        epk == ContainerState.MinEpk ? BigInteger.Zero
        : epk == ContainerState.MaxEpk ? s_top
        : BigInteger.Parse("0" + epk.PadRight(32, '0'), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static string Format(BigInteger value) => value.ToString("X32", CultureInfo.InvariantCulture)[^32..];

    private static (ulong Low, ulong High) MurmurHash3X64(ReadOnlySpan<byte> data)
    {
        const ulong c1 = 0x87c37b91114253d5;
        const ulong c2 = 0x4cf5ad432745937f;
        ulong h1 = 0, h2 = 0;
        var blocks = data.Length / 16;
        for (var i = 0; i < blocks; i++)
        {
            var k1 = BinaryPrimitives.ReadUInt64LittleEndian(data[(i * 16)..]);
            var k2 = BinaryPrimitives.ReadUInt64LittleEndian(data[((i * 16) + 8)..]);
            k1 *= c1; k1 = BitOperations.RotateLeft(k1, 31); k1 *= c2; h1 ^= k1;
            h1 = BitOperations.RotateLeft(h1, 27); h1 += h2; h1 = (h1 * 5) + 0x52dce729;
            k2 *= c2; k2 = BitOperations.RotateLeft(k2, 33); k2 *= c1; h2 ^= k2;
            h2 = BitOperations.RotateLeft(h2, 31); h2 += h1; h2 = (h2 * 5) + 0x38495ab5;
        }

        var tail = data[(blocks * 16)..];
        ulong t1 = 0, t2 = 0;
        for (var i = tail.Length - 1; i >= 8; i--)
        {
            t2 = (t2 << 8) | tail[i];
        }

        for (var i = Math.Min(tail.Length, 8) - 1; i >= 0; i--)
        {
            t1 = (t1 << 8) | tail[i];
        }

        if (tail.Length > 8)
        {
            t2 *= c2; t2 = BitOperations.RotateLeft(t2, 33); t2 *= c1; h2 ^= t2;
        }

        if (tail.Length > 0)
        {
            t1 *= c1; t1 = BitOperations.RotateLeft(t1, 31); t1 *= c2; h1 ^= t1;
        }

        h1 ^= (ulong)data.Length; h2 ^= (ulong)data.Length;
        h1 += h2; h2 += h1;
        h1 = Mix(h1); h2 = Mix(h2);
        h1 += h2; h2 += h1;
        return (h1, h2);
    }

    private static ulong Mix(ulong k)
    {
        k ^= k >> 33; k *= 0xff51afd7ed558ccd;
        k ^= k >> 33; k *= 0xc4ceb9fe1a85ec53;
        k ^= k >> 33;
        return k;
    }
}
