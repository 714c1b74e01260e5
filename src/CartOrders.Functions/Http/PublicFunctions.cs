using CartOrders.Api.Catalog;
using CartOrders.Api.Health;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace CartOrders.Functions.Http;

/// <summary>The endpoints anyone may call: the catalog and the health probe.</summary>
public static class PublicFunctions
{
    [Function(nameof(ListProducts))]
    [AllowAnonymous]
    public static IResult ListProducts(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "products")] HttpRequest request) =>
        ProductsApi.List(HttpRequests.ContextOf(request));

    [Function(nameof(GetHealth))]
    [AllowAnonymous]
    public static Task<IResult> GetHealth(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request) =>
        HealthApi.GetAsync(HttpRequests.ContextOf(request));
}
