using CartOrders.Api.Problems;
using CartOrders.Domain;

namespace CartOrders.Api.Http;

/// <summary>Ids taken from a path: 1-64 chars of [A-Za-z0-9_-], else 400 invalid-id.</summary>
public static class PathIds
{
    public static CartId Cart(string? value) => new(Require(value, "cartId"));

    public static OrderId Order(string? value) => new(Require(value, "orderId"));

    public static ProductId Product(string? value) => new(Require(value, "productId"));

    public static UserId User(string? value) => new(Require(value, "userId"));

    /// <summary>A real-time connection's id (the hub's are 22 characters of the id alphabet).</summary>
    public static string Connection(string? value) => Require(value, "connectionId");

    private static string Require(string? value, string name) =>
        IdRules.IsValid(value)
            ? value
            : throw new ProblemException(
                ApiProblem.InvalidId,
                $"The {name} in the path must be 1-{IdRules.MaxLength} characters of A-Z, a-z, 0-9, '_' or '-'.",
                new Dictionary<string, string[]> { [name] = ["Not a valid id."] });
}
