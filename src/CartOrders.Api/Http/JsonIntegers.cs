using System.Globalization;

namespace CartOrders.Api.Http;

/// <summary>
/// Reads a JSON number's text as an exact integer, clamped to the range of int. The grammar was
/// checked by the parser: <c>-?digits(.digits)?([eE][+-]?digits)?</c>. Nothing is converted to a
/// float, so no value is rounded and no size of number or exponent is too large to answer.
/// </summary>
public static class JsonIntegers
{
    /// <summary>False when the number has a non-zero fraction.</summary>
    public static bool TryClamp(string number, out int clamped)
    {
        ArgumentNullException.ThrowIfNull(number);
        clamped = 0;
        var negative = number.StartsWith('-');
        var text = negative ? number[1..] : number;
        var exponentAt = text.IndexOfAny(['e', 'E']);
        var mantissa = exponentAt < 0 ? text : text[..exponentAt];
        var exponent = exponentAt < 0 ? 0 : ReadExponent(text[(exponentAt + 1)..]);
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = point < 0 ? mantissa : string.Concat(mantissa.AsSpan(0, point), mantissa.AsSpan(point + 1));
        var scale = exponent - (point < 0 ? 0 : mantissa.Length - point - 1);

        // digits x 10^scale: drop the zeros that do not change the value.
        digits = digits.TrimStart('0');
        var trailing = digits.Length - digits.TrimEnd('0').Length;
        digits = digits.TrimEnd('0');
        scale += trailing;
        if (digits.Length == 0)
        {
            return true;
        }

        if (scale < 0)
        {
            return false;
        }

        // More than ten digits are past the range of int; ten are checked exactly.
        var length = digits.Length + scale;
        if (length > 10)
        {
            clamped = negative ? int.MinValue : int.MaxValue;
            return true;
        }

        var value = long.Parse(digits + new string('0', (int)scale), NumberStyles.None, CultureInfo.InvariantCulture);
        clamped = (int)Math.Clamp(negative ? -value : value, int.MinValue, int.MaxValue);
        return true;
    }

    /// <summary>The exponent, saturated far beyond any length that matters (a number's text is at most 64 KiB).</summary>
    private static long ReadExponent(string text)
    {
        var negative = text.StartsWith('-');
        var digits = text.TrimStart('+', '-').TrimStart('0');
        if (digits.Length > 9)
        {
            return negative ? -1_000_000_000 : 1_000_000_000;
        }

        var value = digits.Length == 0 ? 0 : long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        return negative ? -value : value;
    }
}
