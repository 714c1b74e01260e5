using System.Globalization;
using CartOrders.Api.Http;
using CartOrders.Api.Problems;
using CartOrders.Application.Commands;
using CartOrders.Application.Ports;
using CartOrders.Application.Projections;
using CartOrders.Application.Serialization;
using CartOrders.Domain;
using CartOrders.Domain.Carts;
using CartOrders.Domain.Catalog;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CartOrders.Api.Carts;

/// <summary>
/// The cart endpoints of api.md. Commands answer with the state right after them (read-your-writes);
/// a single cart is read from its stream, never from a view; the list comes from views. Only the
/// owner and collaborators see a cart: anyone else gets cart-not-found, as for a missing cart.
/// </summary>
public static class CartsApi
{
    public static RouteGroupBuilder MapCarts(this IEndpointRouteBuilder routes)
    {
        var carts = routes.MapGroup("/api/carts").WithTags("Carts").RequiresCaller();

        carts.MapGet("", (Delegate)ListAsync).WithName("ListCarts")
            .Produces<CartView[]>();
        carts.MapGet("/{cartId}", GetAsync).WithName("GetCart")
            .Produces<CartView>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        carts.MapGet("/{cartId}/events", EventsAsync).WithName("GetCartEvents")
            .Produces<EventRecord[]>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);

        carts.MapPost("", (Delegate)CreateAsync).WithName("CreateCart").AsCommand()
            .Accepts<CreateCartRequest>(isOptional: true, "application/json").Produces<CartView>(StatusCodes.Status201Created);
        carts.MapPost("/{cartId}/items", AddItemAsync).WithName("AddItem").AsCommand()
            .Accepts<AddItemRequest>("application/json").Produces<CartView>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        carts.MapPut("/{cartId}/items/{productId}", SetItemQuantityAsync).WithName("SetItemQuantity").AsCommand()
            .Accepts<SetItemQuantityRequest>("application/json").Produces<CartView>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        carts.MapDelete("/{cartId}/items/{productId}", RemoveItemAsync).WithName("RemoveItem").AsCommand()
            .Produces<CartView>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        carts.MapPost("/{cartId}/collaborators", AddCollaboratorAsync).WithName("AddCollaborator").AsCommand()
            .Accepts<AddCollaboratorRequest>("application/json").Produces<CartView>()
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        carts.MapDelete("/{cartId}/collaborators/{userId}", RemoveCollaboratorAsync).WithName("RemoveCollaborator").AsCommand()
            .Produces<CartView>()
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        carts.MapPost("/{cartId}/checkout", CheckOutAsync).WithName("CheckOut").AsCommand()
            .Accepts<CheckoutRequest>("application/json").Produces<CheckoutAccepted>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return carts;
    }

    public static Task<IResult> ListAsync(HttpContext http) => ProblemBoundary.RunAsync(async () =>
    {
        var actor = Caller.ActorOf(http);
        var documents = await Service<IViewStore>(http).ListForMemberAsync(Projector.CartKind, actor.UserId.Value, http.RequestAborted);
        return TypedResults.Ok(documents.Select(d => Json.Deserialize<CartView>(d.Json)).ToList());
    });

    /// <summary>
    /// <c>?atVersion=N</c> reads the cart as it was at version N (1..current), <c>?at=time</c> as it
    /// was at that time (the version it was at is the ETag and the view's version).
    /// </summary>
    public static Task<IResult> GetAsync(HttpContext http, string cartId) => ProblemBoundary.RunAsync(async () =>
    {
        var actor = Caller.ActorOf(http);
        var id = PathIds.Cart(cartId);
        var point = PointInTime.Of(http.Request);
        var loaded = await LoadMemberCartAsync(http, id, actor);
        if (point is not null)
        {
            loaded = await point.LoadAsync(Service<StreamLoader>(http), StreamTypes.Cart, id.StreamId, loaded, "cart", http.RequestAborted);
        }

        http.Response.Headers.ETag = ETags.Format(loaded.Version);
        return TypedResults.Ok(Projection.ToView(loaded.State!, loaded.Version, loaded.UpdatedAt));
    });

    /// <summary>The cart's history, oldest first; members only.</summary>
    public static Task<IResult> EventsAsync(HttpContext http, string cartId) => ProblemBoundary.RunAsync(async () =>
    {
        var actor = Caller.ActorOf(http);
        var id = PathIds.Cart(cartId);
        await LoadMemberCartAsync(http, id, actor);
        var events = await Service<IEventStore>(http).ReadStreamAsync(id.StreamId, cancellationToken: http.RequestAborted);
        http.Response.Headers.ETag = ETags.Format(events.Count > 0 ? events[^1].Version : 0);
        return TypedResults.Ok(events.Select(EventRecord.From).ToList());
    });

    /// <summary>
    /// With an Idempotency-Key the cart id is derived from (caller, key), so a replay finds the
    /// first request's record on the same stream; without one every call creates a new cart.
    /// </summary>
    public static Task<IResult> CreateAsync(HttpContext http) => ProblemBoundary.RunAsync(async () =>
    {
        var actor = Caller.ActorOf(http);
        var request = await CommandRequest.ReadAsync(http, actor, bodyRequired: false);
        var cartId = new CartId(request.Context.IdempotencyKey is { } key
            ? IdempotencyKeys.DerivedId("cart", actor.UserId.Value, key)
            : IdempotencyKeys.NewId());
        return await RunAsync(
            http,
            request,
            cartId,
            (state, catalog) => CartDecider.Decide(new CreateCart(actor, cartId), state, catalog),
            a => CommandEndpoint.Reply(StatusCodes.Status201Created, View(a), a.Version, "/api/carts/" + cartId.Value));
    });

    public static Task<IResult> AddItemAsync(HttpContext http, string cartId) => ProblemBoundary.RunAsync(async () =>
    {
        var actor = Caller.ActorOf(http);
        var id = PathIds.Cart(cartId);
        var request = await CommandRequest.ReadAsync(http, actor, bodyRequired: true);
        var body = AddItemRequest.Read(request.Body);
        return await RunAsync(http, request, id, (state, catalog) =>
            CartDecider.Decide(new AddItem(actor, new ProductId(body.ProductId), body.Quantity), state, catalog));
    });

    /// <summary>Sets a line's quantity; 0 removes the line and a missing line is added.</summary>
    public static Task<IResult> SetItemQuantityAsync(HttpContext http, string cartId, string productId) => ProblemBoundary.RunAsync(async () =>
    {
        var actor = Caller.ActorOf(http);
        var id = PathIds.Cart(cartId);
        var product = PathIds.Product(productId);
        var request = await CommandRequest.ReadAsync(http, actor, bodyRequired: true);
        var body = SetItemQuantityRequest.Read(request.Body);
        return await RunAsync(http, request, id, (state, catalog) =>
            CartDecider.Decide(new SetItemQuantity(actor, product, body.Quantity), state, catalog));
    });

    public static Task<IResult> RemoveItemAsync(HttpContext http, string cartId, string productId) => ProblemBoundary.RunAsync(async () =>
    {
        var actor = Caller.ActorOf(http);
        var id = PathIds.Cart(cartId);
        var product = PathIds.Product(productId);
        var request = await CommandRequest.ReadAsync(http, actor, bodyRequired: false);
        return await RunAsync(http, request, id, (state, catalog) =>
            CartDecider.Decide(new RemoveItem(actor, product), state, catalog));
    });

    public static Task<IResult> AddCollaboratorAsync(HttpContext http, string cartId) => ProblemBoundary.RunAsync(async () =>
    {
        var actor = Caller.ActorOf(http);
        var id = PathIds.Cart(cartId);
        var request = await CommandRequest.ReadAsync(http, actor, bodyRequired: true);
        var body = AddCollaboratorRequest.Read(request.Body);
        return await RunAsync(http, request, id, (state, catalog) =>
            CartDecider.Decide(new AddCollaborator(actor, new UserId(body.UserId)), state, catalog));
    });

    /// <summary>Removing someone who is not a collaborator changes nothing and answers 200.</summary>
    public static Task<IResult> RemoveCollaboratorAsync(HttpContext http, string cartId, string userId) => ProblemBoundary.RunAsync(async () =>
    {
        var actor = Caller.ActorOf(http);
        var id = PathIds.Cart(cartId);
        var collaborator = PathIds.User(userId);
        var request = await CommandRequest.ReadAsync(http, actor, bodyRequired: false);
        return await RunAsync(http, request, id, (state, catalog) =>
            CartDecider.Decide(new RemoveCollaborator(actor, collaborator), state, catalog));
    });

    /// <summary>
    /// Checks the cart out under a new order id (derived from the Idempotency-Key when there is
    /// one) and answers 202: order placement appends the order from the feed a moment later.
    /// </summary>
    public static Task<IResult> CheckOutAsync(HttpContext http, string cartId) => ProblemBoundary.RunAsync(async () =>
    {
        var actor = Caller.ActorOf(http);
        var id = PathIds.Cart(cartId);
        var request = await CommandRequest.ReadAsync(http, actor, bodyRequired: true);
        var body = CheckoutRequest.Read(request.Body);
        var orderId = new OrderId(request.Context.IdempotencyKey is { } key
            ? IdempotencyKeys.DerivedId("order", actor.UserId.Value, key, id.Value)
            : IdempotencyKeys.NewId());
        return await RunAsync(
            http,
            request,
            id,
            (state, catalog) => CartDecider.Decide(new CheckOut(actor, orderId, body.ShippingAddress.ToAddress()), state, catalog),
            a => CommandEndpoint.Reply(StatusCodes.Status202Accepted, new CheckoutAccepted(orderId.Value), a.Version, "/api/orders/" + orderId.Value));
    });

    /// <summary>The current state of a cart the caller is a member of; cart-not-found otherwise.</summary>
    public static async Task<Loaded<Cart>> LoadMemberCartAsync(HttpContext http, CartId id, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(actor);
        var loaded = await Service<StreamLoader>(http).LoadAsync(StreamTypes.Cart, id.StreamId, cancellationToken: http.RequestAborted);
        return loaded.State is { } cart && cart.IsMember(actor.UserId)
            ? loaded
            : throw new ProblemException(ApiProblem.CartNotFound);
    }

    private static Task<IResult> RunAsync(
        HttpContext http,
        CommandRequest request,
        CartId id,
        Func<Cart?, ProductCatalog, IReadOnlyList<CartEvent>> decide,
        Func<Accepted<Cart>, CommandReply>? accepted = null)
    {
        var catalog = Service<ProductCatalog>(http);
        return CommandEndpoint.RunAsync(
            http,
            request,
            StreamTypes.Cart,
            id.StreamId,
            state => decide(state, catalog),
            accepted ?? (a => CommandEndpoint.Reply(StatusCodes.Status200OK, View(a), a.Version)),
            state => state?.IsMember(request.Actor.UserId) == true,
            ApiProblem.CartNotFound);
    }

    private static CartView View(Accepted<Cart> accepted) =>
        Projection.ToView(accepted.State ?? throw new InvalidOperationException("An accepted cart command left no cart."), accepted.Version, accepted.UpdatedAt);

    private static T Service<T>(HttpContext http)
        where T : notnull => http.RequestServices.GetRequiredService<T>();
}
