using System.Collections.Frozen;

namespace CartOrders.Domain;

/// <summary>
/// Money as events store it: a whole number of minor units (cents) of an ISO 4217 currency, so
/// sums are exact and no reader can mistake the scale. Decimal amounts live only at the edges
/// (the catalog and the public API), and convert here.
/// </summary>
public static class Money
{
    // The ISO 4217 currencies whose minor unit is not the hundredth; every other one has 2 digits.
    private static readonly FrozenDictionary<string, int> s_minorDigits = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["BIF"] = 0, ["CLP"] = 0, ["DJF"] = 0, ["GNF"] = 0, ["ISK"] = 0, ["JPY"] = 0, ["KMF"] = 0, ["KRW"] = 0,
        ["PYG"] = 0, ["RWF"] = 0, ["UGX"] = 0, ["VND"] = 0, ["VUV"] = 0, ["XAF"] = 0, ["XOF"] = 0, ["XPF"] = 0,
        ["BHD"] = 3, ["IQD"] = 3, ["JOD"] = 3, ["KWD"] = 3, ["LYD"] = 3, ["OMR"] = 3, ["TND"] = 3,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>How many decimal digits the currency's minor unit has (2 for EUR: cents).</summary>
    /// <exception cref="ArgumentException">The code is not three capital letters.</exception>
    public static int MinorDigits(string currency)
    {
        ArgumentNullException.ThrowIfNull(currency);
        if (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper))
        {
            throw new ArgumentException($"'{currency}' is not an ISO 4217 currency code.", nameof(currency));
        }

        return s_minorDigits.GetValueOrDefault(currency, 2);
    }

    /// <summary>The amount in minor units; it must be a whole number of them (7.90 EUR is 790).</summary>
    /// <exception cref="ArgumentException">The amount has more digits than the currency's minor unit.</exception>
    public static long ToMinor(decimal amount, string currency)
    {
        var scaled = amount * Factor(currency);
        return scaled == decimal.Truncate(scaled)
            ? checked((long)scaled)
            : throw new ArgumentException($"{amount} {currency} is not a whole number of minor units.", nameof(amount));
    }

    /// <summary>The decimal amount of <paramref name="minor"/> units, without trailing zeros (790 EUR cents is 7.9).</summary>
    public static decimal ToDecimal(long minor, string currency)
    {
        var digits = MinorDigits(currency);
        while (digits > 0 && minor % 10 == 0)
        {
            minor /= 10;
            digits--;
        }

        return minor / Pow10(digits);
    }

    private static decimal Factor(string currency) => Pow10(MinorDigits(currency));

    private static decimal Pow10(int digits) => digits switch
    {
        0 => 1m,
        1 => 10m,
        2 => 100m,
        _ => 1000m,
    };
}
