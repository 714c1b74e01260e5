using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace CartOrders.Domain.Carts;

/// <summary>
/// A cart's name as people see it: 1-100 printable characters (Unicode scalar values), with no
/// surrounding white space. Control and format characters (zero-width joiners, bidi overrides),
/// private-use and unassigned code points are not printable, so a name always shows as written.
/// </summary>
public readonly record struct CartName
{
    public const int MaxLength = 100;

    public CartName(string value) =>
        Value = IsValid(value) ? value : throw new ArgumentException($"'{value}' is not a valid cart name.", nameof(value));

    public string Value { get; }

    public override string ToString() => Value;

    public static bool IsValid([NotNullWhen(true)] string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Trim().Length != value.Length)
        {
            return false;
        }

        // Decoded by hand: enumerating runes would turn a lone surrogate into U+FFFD, a printable character.
        var rest = value.AsSpan();
        for (var count = 1; !rest.IsEmpty; count++)
        {
            if (count > MaxLength || Rune.DecodeFromUtf16(rest, out var rune, out var used) != OperationStatus.Done || !IsPrintable(rune))
            {
                return false;
            }

            rest = rest[used..];
        }

        return true;
    }

    private static bool IsPrintable(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.PrivateUse
            or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned => false,
        UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => false,
        _ => true,
    };
}
