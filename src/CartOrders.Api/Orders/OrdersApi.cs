using CartOrders.Api.Http;
using CartOrders.Api.Problems;
using CartOrders.Application.Commands;
using CartOrders.Application.Ports;
using CartOrders.Application.Projections;
using CartOrders.Application.Serialization;
using CartOrders.Domain;
using CartOrders.Domain.Orders;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CartOrders.Api.Orders;

/// <summary>
/// The order endpoints of api.md. An order is visible to its customer and to operators; to anyone
/// else it does not exist (order-not-found). Payment and shipment are operator-only (403).
/// </summary>
public static class OrdersApi
{
    public static RouteGroupBuilder MapOrders(this IEndpointRouteBuilder routes)
    {
        var orders = routes.MapGroup("/api/orders").WithTags("Orders").RequiresCaller();

        orders.MapGet("", (Delegate)ListAsync).WithName("ListOrders")
            .Produces<OrderView[]>().Produces<PagedList<OrderView>>().ProducesProblem(StatusCodes.Status400BadRequest);
        orders.MapGet("/{orderId}", GetAsync).WithName("GetOrder")
            .Produces<OrderView>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        orders.MapPost("/{orderId}/cancel", CancelAsync).WithName("CancelOrder").AsCommand()
            .Accepts<CancelOrderRequest>("application/json").Produces<OrderView>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        orders.MapPost("/{orderId}/payment", RecordPaymentAsync).WithName("RecordPayment").AsCommand()
            .Accepts<RecordPaymentRequest>("application/json").Produces<OrderView>()
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        orders.MapPost("/{orderId}/shipment", ShipAsync).WithName("ShipOrder").AsCommand()
            .Accepts<ShipOrderRequest>("application/json").Produces<OrderView>()
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return orders;
    }

    /// <summary><c>GET /api/admin/orders?status=</c>: every order in one status, for operators.</summary>
    public static RouteGroupBuilder MapOperatorOrders(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/api/admin/orders").WithTags("Admin").RequiresCaller();
        admin.MapGet("", (Delegate)ListByStatusAsync).WithName("ListOrdersByStatus")
            .Produces<OrderView[]>().Produces<PagedList<OrderView>>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden);
        return admin;
    }

    /// <summary>The caller's own orders (as customer), from the views, a page at a time (ListPaging).</summary>
    public static Task<IResult> ListAsync(HttpContext http) => ProblemBoundary.RunAsync(async () =>
    {
        var actor = Caller.ActorOf(http);
        const string list = "orders";
        var request = ListPaging.Read(http, actor.UserId.Value, list);
        var page = await ListPaging.ReadAsync(() => http.RequestServices.GetRequiredService<IViewStore>()
            .ListForMemberAsync(Projector.OrderKind, actor.UserId.Value, request.Page, http.RequestAborted));
        var views = page.Items.Select(d => Json.Deserialize<OrderView>(d.Json)).ToList();
        return ListPaging.Answer(http, actor.UserId.Value, list, request, new Page<OrderView>(views, page.Next));
    });

    /// <summary>
    /// The operator's view of every order in one status (<c>?status=</c>, required), oldest change
    /// first (a work queue: the orders waiting longest come first), a page at a time.
    /// </summary>
    public static Task<IResult> ListByStatusAsync(HttpContext http) => ProblemBoundary.RunAsync(async () =>
    {
        var actor = Caller.ActorOf(http);
        var status = http.Request.Query["status"] is { Count: 1 } values && values[0] is { } value && OrderStatuses.Contains(value)
            ? value
            : throw new ProblemException(
                ApiProblem.ValidationFailed,
                "status must name one order status.",
                new Dictionary<string, string[]> { ["status"] = [$"One of: {string.Join(", ", OrderStatuses)}."] });
        if (!actor.IsOperator)
        {
            throw new ProblemException(ApiProblem.From(DomainError.OperatorOnly), "Only an operator may list every order.");
        }

        var list = "all-orders:" + status;
        var request = ListPaging.Read(http, actor.UserId.Value, list);
        var page = await ListPaging.ReadAsync(() => http.RequestServices.GetRequiredService<IViewStore>()
            .ListByStatusAsync(Projector.OrderKind, status, DateTimeOffset.MaxValue, request.Page, http.RequestAborted));
        var views = page.Items.Select(d => Json.Deserialize<OrderView>(d.Json)).ToList();
        return ListPaging.Answer(http, actor.UserId.Value, list, request, new Page<OrderView>(views, page.Next));
    });

    /// <summary>The statuses an order view can have (api.md's status flow).</summary>
    public static IReadOnlyList<string> OrderStatuses { get; } = ["placed", "paymentAuthorized", "shipped", "rejected", "cancelled"];

    /// <summary>
    /// <c>?atVersion=N</c> or <c>?at=time</c> read the order as it was then; who may read is decided
    /// by the current order.
    /// </summary>
    public static Task<IResult> GetAsync(HttpContext http, string orderId) => ProblemBoundary.RunAsync(async () =>
    {
        var actor = Caller.ActorOf(http);
        var id = PathIds.Order(orderId);
        var point = PointInTime.Of(http.Request);
        var loader = http.RequestServices.GetRequiredService<StreamLoader>();
        var loaded = await loader.LoadAsync(StreamTypes.Order, id.StreamId, cancellationToken: http.RequestAborted);
        if (loaded.State is not { } order || !order.IsVisibleTo(actor))
        {
            throw new ProblemException(ApiProblem.OrderNotFound);
        }

        if (point is not null)
        {
            loaded = await point.LoadAsync(loader, StreamTypes.Order, id.StreamId, loaded, "order", http.RequestAborted);
            order = loaded.State!;
        }

        http.Response.Headers.ETag = ETags.Format(loaded.Version);
        return TypedResults.Ok(Projection.ToView(order, loaded.Version));
    });

    public static Task<IResult> CancelAsync(HttpContext http, string orderId) => ProblemBoundary.RunAsync(async () =>
    {
        var actor = Caller.ActorOf(http);
        var id = PathIds.Order(orderId);
        var request = await CommandRequest.ReadAsync(http, actor, bodyRequired: true);
        var body = CancelOrderRequest.Read(request.Body);
        return await RunAsync(http, request, id, new CancelOrder(actor, request.Context.Now, body.Reason));
    });

    public static Task<IResult> RecordPaymentAsync(HttpContext http, string orderId) => ProblemBoundary.RunAsync(async () =>
    {
        var actor = Caller.ActorOf(http);
        var id = PathIds.Order(orderId);
        var request = await CommandRequest.ReadAsync(http, actor, bodyRequired: true);
        var body = RecordPaymentRequest.Read(request.Body);
        return await RunAsync(http, request, id, new RecordPayment(actor, request.Context.Now, body.Approved, body.Reference));
    });

    public static Task<IResult> ShipAsync(HttpContext http, string orderId) => ProblemBoundary.RunAsync(async () =>
    {
        var actor = Caller.ActorOf(http);
        var id = PathIds.Order(orderId);
        var request = await CommandRequest.ReadAsync(http, actor, bodyRequired: true);
        var body = ShipOrderRequest.Read(request.Body);
        return await RunAsync(http, request, id, new ShipOrder(actor, request.Context.Now, body.Carrier, body.TrackingNumber));
    });

    private static Task<IResult> RunAsync(HttpContext http, CommandRequest request, OrderId id, OrderCommand command) =>
        CommandEndpoint.RunAsync(
            http,
            request,
            StreamTypes.Order,
            id.StreamId,
            state => OrderDecider.Decide(command, state),
            a => CommandEndpoint.Reply(
                StatusCodes.Status200OK,
                Projection.ToView(a.State ?? throw new InvalidOperationException("An accepted order command left no order."), a.Version),
                a.Version),
            state => state?.IsVisibleTo(request.Actor) == true,
            ApiProblem.OrderNotFound);
}
