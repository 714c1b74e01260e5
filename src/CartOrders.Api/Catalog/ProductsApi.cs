using CartOrders.Domain.Catalog;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CartOrders.Api.Catalog;

/// <summary>A catalog entry as the API shows it; prices always come from here, never from a client.</summary>
public sealed record ProductView(string ProductId, string Name, decimal UnitPrice, string Currency)
{
    public static ProductView From(Product product)
    {
        ArgumentNullException.ThrowIfNull(product);
        return new(product.ProductId.Value, product.Name, product.UnitPrice, product.Currency);
    }
}

public static class ProductsApi
{
    public static RouteHandlerBuilder MapProducts(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/api/products", List).WithName("ListProducts").WithTags("Catalog").AllowAnonymous()
            .Produces<ProductView[]>();

    /// <summary>Anonymous: the catalog is public.</summary>
    public static IResult List(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var catalog = http.RequestServices.GetRequiredService<ProductCatalog>();
        return TypedResults.Ok(catalog.Products.Select(ProductView.From).ToList());
    }
}
