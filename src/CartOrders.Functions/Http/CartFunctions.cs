using CartOrders.Api.Carts;
using CartOrders.Api.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Azure.Functions.Worker;

namespace CartOrders.Functions.Http;

/// <summary>
/// The cart endpoints of api.md, one function each, each a call of its <see cref="CartsApi"/>
/// handler. Routes are relative to the route prefix <c>api</c> (host.json). Function-level keys
/// are off (<see cref="AuthorizationLevel.Anonymous"/>): callers present bearer tokens, which the
/// <see cref="ApiPipeline"/> checks.
/// </summary>
public static class CartFunctions
{
    [Function(nameof(ListCarts))]
    public static Task<IResult> ListCarts(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "carts")] HttpRequest request) =>
        CartsApi.ListAsync(HttpRequests.ContextOf(request));

    [Function(nameof(CreateCart))]
    [EnableRateLimiting(CommandRateLimiting.Policy)]
    public static Task<IResult> CreateCart(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "carts")] HttpRequest request) =>
        CartsApi.CreateAsync(HttpRequests.ContextOf(request));

    [Function(nameof(GetCart))]
    public static Task<IResult> GetCart(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "carts/{cartId}")] HttpRequest request, string cartId) =>
        CartsApi.GetAsync(HttpRequests.ContextOf(request), cartId);

    [Function(nameof(GetCartEvents))]
    public static Task<IResult> GetCartEvents(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "carts/{cartId}/events")] HttpRequest request, string cartId) =>
        CartsApi.EventsAsync(HttpRequests.ContextOf(request), cartId);

    [Function(nameof(RenameCart))]
    [EnableRateLimiting(CommandRateLimiting.Policy)]
    public static Task<IResult> RenameCart(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "carts/{cartId}/name")] HttpRequest request, string cartId) =>
        CartsApi.RenameAsync(HttpRequests.ContextOf(request), cartId);

    [Function(nameof(AddItem))]
    [EnableRateLimiting(CommandRateLimiting.Policy)]
    public static Task<IResult> AddItem(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "carts/{cartId}/items")] HttpRequest request, string cartId) =>
        CartsApi.AddItemAsync(HttpRequests.ContextOf(request), cartId);

    [Function(nameof(SetItemQuantity))]
    [EnableRateLimiting(CommandRateLimiting.Policy)]
    public static Task<IResult> SetItemQuantity(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "carts/{cartId}/items/{productId}")] HttpRequest request, string cartId, string productId) =>
        CartsApi.SetItemQuantityAsync(HttpRequests.ContextOf(request), cartId, productId);

    [Function(nameof(RemoveItem))]
    [EnableRateLimiting(CommandRateLimiting.Policy)]
    public static Task<IResult> RemoveItem(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "carts/{cartId}/items/{productId}")] HttpRequest request, string cartId, string productId) =>
        CartsApi.RemoveItemAsync(HttpRequests.ContextOf(request), cartId, productId);

    [Function(nameof(AddCollaborator))]
    [EnableRateLimiting(CommandRateLimiting.Policy)]
    public static Task<IResult> AddCollaborator(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "carts/{cartId}/collaborators")] HttpRequest request, string cartId) =>
        CartsApi.AddCollaboratorAsync(HttpRequests.ContextOf(request), cartId);

    [Function(nameof(RemoveCollaborator))]
    [EnableRateLimiting(CommandRateLimiting.Policy)]
    public static Task<IResult> RemoveCollaborator(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "carts/{cartId}/collaborators/{userId}")] HttpRequest request, string cartId, string userId) =>
        CartsApi.RemoveCollaboratorAsync(HttpRequests.ContextOf(request), cartId, userId);

    [Function(nameof(CheckOut))]
    [EnableRateLimiting(CommandRateLimiting.Policy)]
    public static Task<IResult> CheckOut(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "carts/{cartId}/checkout")] HttpRequest request, string cartId) =>
        CartsApi.CheckOutAsync(HttpRequests.ContextOf(request), cartId);
}
