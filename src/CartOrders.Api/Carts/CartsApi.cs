using System.Globalization;
using CartOrders.Api.Http;
using CartOrders.Api.Problems;
using CartOrders.Api.Realtime;
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
using Microsoft.Extensions.Options;

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
            .Produces<CartView[]>().Produces<PagedList<CartView>>().ProducesProblem(StatusCodes.Status400BadRequest);
        carts.MapGet("/{cartId}", GetAsync).WithName("GetCart")
            .Produces<CartView>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        carts.MapGet("/{cartId}/events", EventsAsync).WithName("GetCartEvents")
            .Produces<EventRecord[]>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);

        // No Accepts metadata: routing would refuse a body-less request by its Content-Type (415),
        // and a creation needs no body at all. A body that is sent must still be JSON.
        carts.MapPost("", (Delegate)CreateAsync).WithName("CreateCart").AsCommand()
            .Produces<CartView>(StatusCodes.Status201Created);
        carts.MapPut("/{cartId}/name", RenameAsync).WithName("RenameCart").AsCommand()
            .Accepts<RenameCartRequest>("application/json").Produces<CartView>()
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
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

    /// <summary>The caller's carts, a page at a time (ListPaging), newest first (an edit never moves a cart).</summary>
    public static Task<IResult> ListAsync(HttpContext http) => ProblemBoundary.RunAsync(async () =>
    {
        var actor = Caller.ActorOf(http);
        const string list = "carts";
        var request = ListPaging.Read(http, actor.UserId.Value, list);
        var page = await ListPaging.ReadAsync(() =>
            Service<IViewStore>(http).ListForMemberAsync(Projector.CartKind, actor.UserId.Value, request.Page, http.RequestAborted));
        var views = page.Items.Select(d => Json.Deserialize<CartView>(d.Json)).ToList();
        return ListPaging.Answer(http, actor.UserId.Value, list, request, new Page<CartView>(views, page.Next));
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

    /// <summary>
    /// The cart's history, oldest first, a page at a time; members only. Pages are ranges of
    /// versions (the continuation is the next version), so events appended while a client pages
    /// come after the ones it has, never in between. The ETag is the stream's current version.
    /// </summary>
    public static Task<IResult> EventsAsync(HttpContext http, string cartId) => ProblemBoundary.RunAsync(async () =>
    {
        var actor = Caller.ActorOf(http);
        var id = PathIds.Cart(cartId);
        var list = "events:" + id.StreamId;
        var request = ListPaging.Read(http, actor.UserId.Value, list);
        var loaded = await LoadMemberCartAsync(http, id, actor);
        var from = request.Page.After is { } after
            ? long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var next) && next >= 1
                ? next
                : throw new ProblemException(ApiProblem.InvalidContinuation, "The continuation is not a position in this history.")
            : FromVersion(http.Request);
        var through = Math.Min(loaded.Version, from + request.Page.Limit - 1);
        var events = from > through ? [] : await Service<IEventStore>(http).ReadStreamAsync(id.StreamId, from, through, http.RequestAborted);
        http.Response.Headers.ETag = ETags.Format(loaded.Version);
        var more = through < loaded.Version ? (through + 1).ToString(CultureInfo.InvariantCulture) : null;
        return ListPaging.Answer(http, actor.UserId.Value, list, request, new Page<EventRecord>([.. events.Select(EventRecord.From)], more));
    });

    /// <summary>
    /// <c>?fromVersion=N</c> (a positive integer) starts the history's first page at version N, so
    /// a client that has seen up to version N-1 reads only what came after; 1 when absent. A
    /// continuation carries its own position and takes precedence (the next page's link keeps the
    /// request's parameters).
    /// </summary>
    private static long FromVersion(HttpRequest request)
    {
        var asked = request.Query["fromVersion"];
        return asked.Count == 0
            ? 1
            : asked.Count == 1 && long.TryParse(asked[0], NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version >= 1
                ? version
                : throw new ProblemException(
                    ApiProblem.ValidationFailed,
                    "fromVersion must be a positive integer.",
                    new Dictionary<string, string[]>(StringComparer.Ordinal) { ["fromVersion"] = ["Must be a positive integer."] });
    }

    /// <summary>
    /// With an Idempotency-Key the cart id is derived from (caller, key), so a replay finds the
    /// first request's record on the same stream; without one every call creates a new cart.
    /// </summary>
    public static Task<IResult> CreateAsync(HttpContext http) => ProblemBoundary.RunAsync(async () =>
    {
        var actor = Caller.ActorOf(http);
        var request = await CommandRequest.ReadAsync(http, actor, bodyRequired: false);
        var body = CreateCartRequest.Read(request.Body);
        var cartId = new CartId(request.Context.IdempotencyKey is { } key
            ? IdempotencyKeys.DerivedId("cart", actor.UserId.Value, key)
            : IdempotencyKeys.NewId());
        var limit = Limits(http).OpenCartsPerUser;
        var open = await CountOpenCartsAsync(http, actor.UserId.Value, limit);
        return await RunAsync(
            http,
            request,
            cartId,
            (state, catalog) => state is null && open >= limit
                ? throw new DomainException(DomainError.TooManyOpenCarts, $"A user may own at most {limit} open carts; check one out or wait until one is abandoned.")
                : CartDecider.Decide(new CreateCart(actor, cartId, body.Name), state, catalog),
            a => CommandEndpoint.Reply(StatusCodes.Status201Created, View(a), a.Version, "/api/carts/" + cartId.Value));
    });

    /// <summary>Names the cart anew (owner only); the same name again changes nothing.</summary>
    public static Task<IResult> RenameAsync(HttpContext http, string cartId) => ProblemBoundary.RunAsync(async () =>
    {
        var actor = Caller.ActorOf(http);
        var id = PathIds.Cart(cartId);
        var request = await CommandRequest.ReadAsync(http, actor, bodyRequired: true);
        var body = RenameCartRequest.Read(request.Body);
        return await RunAsync(http, request, id, (state, catalog) =>
            CartDecider.Decide(new RenameCart(actor, body.Name), state, catalog));
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
            CartDecider.Decide(new AddCollaborator(actor, new UserId(body.UserId)), state, catalog, Limits(http).CollaboratorsPerCart));
    });

    /// <summary>Removing someone who is not a collaborator changes nothing and answers 200.</summary>
    public static Task<IResult> RemoveCollaboratorAsync(HttpContext http, string cartId, string userId) => ProblemBoundary.RunAsync(async () =>
    {
        var actor = Caller.ActorOf(http);
        var id = PathIds.Cart(cartId);
        var collaborator = PathIds.User(userId);
        var request = await CommandRequest.ReadAsync(http, actor, bodyRequired: false);
        // Not pushed ahead of the feed: the feed takes the removed member out of the cart's group first.
        return await RunAsync(
            http,
            request,
            id,
            (state, catalog) => CartDecider.Decide(new RemoveCollaborator(actor, collaborator), state, catalog),
            pushAhead: false);
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
        Func<Accepted<Cart>, CommandReply>? accepted = null,
        bool pushAhead = true)
    {
        var catalog = Service<ProductCatalog>(http);
        var push = pushAhead ? http.RequestServices.GetService<IAcknowledgedCartPush>() : null;

        // The events of the last decision are the ones written (a conflict decides again): the
        // fast push says what the last of them did, as the feed's push of the same version does.
        CartEvent? lastDecided = null;
        return CommandEndpoint.RunAsync(
            http,
            request,
            StreamTypes.Cart,
            id.StreamId,
            state =>
            {
                var events = decide(state, catalog);
                lastDecided = events.Count > 0 ? events[^1] : null;
                return events;
            },
            accepted ?? (a => CommandEndpoint.Reply(StatusCodes.Status200OK, View(a), a.Version)),
            state => state?.IsMember(request.Actor.UserId) == true,
            ApiProblem.CartNotFound,
            push is null ? null : a => push.PushAsync(
                new CartUpdate(View(a), request.Actor.UserId.Value, lastDecided is null ? null : CartChange.Of(lastDecided)),
                CancellationToken.None));
    }

    private static CartView View(Accepted<Cart> accepted) =>
        Projection.ToView(accepted.State ?? throw new InvalidOperationException("An accepted cart command left no cart."), accepted.Version, accepted.UpdatedAt);

    private static CommandLimits Limits(HttpContext http) => Service<IOptions<CommandLimits>>(http).Value;

    /// <summary>
    /// The open carts the user owns, counted from the list's views (so a burst of creations faster
    /// than the projection may pass the limit by the projection's lag), and at most up to the limit.
    /// </summary>
    private static async Task<int> CountOpenCartsAsync(HttpContext http, string userId, int limit)
    {
        var views = Service<IViewStore>(http);
        var open = 0;
        var page = new PageRequest(ListPaging.MaxLimit, null);
        do
        {
            var read = await views.ListForMemberAsync(Projector.CartKind, userId, page, http.RequestAborted);
            open += read.Items.Select(d => Json.Deserialize<CartView>(d.Json)).Count(c => c.OwnerId == userId && c.Status == "open");
            page = page with { After = read.Next };
        }
        while (page.After is not null && open < limit);
        return open;
    }

    private static T Service<T>(HttpContext http)
        where T : notnull => http.RequestServices.GetRequiredService<T>();
}
