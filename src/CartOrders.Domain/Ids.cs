using System.Diagnostics.CodeAnalysis;

namespace CartOrders.Domain;

/// <summary>Rules shared by every id that appears in a path or a body: 1-64 chars of [A-Za-z0-9_-].</summary>
public static class IdRules
{
    public const int MaxLength = 64;

    public static bool IsValid([NotNullWhen(true)] string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    internal static string Require(string value, string what) =>
        IsValid(value) ? value : throw new ArgumentException($"'{value}' is not a valid {what}.", what);
}

public readonly record struct CartId
{
    public CartId(string value) => Value = IdRules.Require(value, "cartId");
    public string Value { get; }
    public string StreamId => "cart-" + Value;
    public override string ToString() => Value;
}

public readonly record struct OrderId
{
    public OrderId(string value) => Value = IdRules.Require(value, "orderId");
    public string Value { get; }
    public string StreamId => "order-" + Value;
    public override string ToString() => Value;
}

public readonly record struct ProductId
{
    public ProductId(string value) => Value = IdRules.Require(value, "productId");
    public string Value { get; }
    public override string ToString() => Value;
}

public readonly record struct UserId
{
    public UserId(string value) => Value = IdRules.Require(value, "userId");
    public string Value { get; }
    public override string ToString() => Value;
}
