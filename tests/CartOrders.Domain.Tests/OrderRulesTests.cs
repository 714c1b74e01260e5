using CartOrders.Domain.Carts;
using CartOrders.Domain.Orders;

namespace CartOrders.Domain.Tests;

public sealed class OrderRulesTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private static readonly Actor s_customer = new(new UserId("alice"));
    private static readonly Actor s_stranger = new(new UserId("mallory"));
    private static readonly Actor s_operator = new(new UserId("ops"), IsOperator: true);
    private static readonly ShippingAddress s_address = new("Alice", "1 Main St", "Lyon", "69001", "FR");

    private static readonly CartCheckedOut s_checkout = new(
        "o1", "alice", s_address, [new CartLine("mug", "Mug", 1200, 2), new CartLine("tea", "Tea", 875, 1)], 3275, "EUR");

    private static OrderPlaced Placed => new("o1", "c1", "alice", s_checkout.Lines, 3275, "EUR", s_address, s_t0);

    private static Order? Given(params OrderEvent[] events) => Order.Fold(events);

    private static DomainError Refused(OrderCommand command, Order? state) =>
        Assert.Throws<DomainException>(() => OrderDecider.Decide(command, state)).Error;

    [Fact]
    public void An_order_is_placed_from_a_checked_out_cart_with_its_lines_and_total()
    {
        var e = Assert.IsType<OrderPlaced>(Assert.Single(OrderDecider.Decide(new PlaceOrder(s_customer, s_t0, new CartId("c1"), s_checkout), null)));
        Assert.Equal("alice", e.CustomerId);
        Assert.Equal("c1", e.CartId);
        Assert.Equal(3275, e.TotalMinor);
        Assert.Equal(2, e.Lines.Count);
        Assert.Equal(OrderStatus.Placed, Given(e)!.Status);
    }

    [Fact]
    public void An_order_is_placed_only_once() =>
        Assert.Equal(DomainError.OrderAlreadyPlaced, Refused(new PlaceOrder(s_customer, s_t0, new CartId("c1"), s_checkout), Given(Placed)));

    [Fact]
    public void An_operator_authorizes_payment_of_a_placed_order() =>
        Assert.Equal([new PaymentAuthorized("pay-1", s_t0)], OrderDecider.Decide(new RecordPayment(s_operator, s_t0, true, "pay-1"), Given(Placed)));

    [Fact]
    public void A_declined_payment_rejects_the_order()
    {
        var events = OrderDecider.Decide(new RecordPayment(s_operator, s_t0, false, "pay-1"), Given(Placed));
        Assert.Equal(OrderStatus.Rejected, Order.Fold([Placed, .. events])!.Status);
    }

    [Fact]
    public void Only_an_operator_records_payment_or_shipment()
    {
        Assert.Equal(DomainError.OperatorOnly, Refused(new RecordPayment(s_customer, s_t0, true, "p"), Given(Placed)));
        Assert.Equal(DomainError.OperatorOnly, Refused(new ShipOrder(s_customer, s_t0, "ups", "1Z"), Given(Placed, new PaymentAuthorized("p", s_t0))));
    }

    [Fact]
    public void A_paid_order_ships_and_its_history_records_each_status_with_its_time()
    {
        var paid = Given(Placed, new PaymentAuthorized("p", s_t0.AddMinutes(1)));
        var events = OrderDecider.Decide(new ShipOrder(s_operator, s_t0.AddMinutes(2), "ups", "1Z"), paid);
        var shipped = Order.Fold([Placed, new PaymentAuthorized("p", s_t0.AddMinutes(1)), .. events])!;
        Assert.Equal(OrderStatus.Shipped, shipped.Status);
        Assert.Equal([OrderStatus.Placed, OrderStatus.PaymentAuthorized, OrderStatus.Shipped], shipped.History.Select(h => h.Status));
        Assert.Equal(s_t0.AddMinutes(2), shipped.History[^1].At);
        Assert.Equal("1Z", shipped.TrackingNumber);
    }

    [Fact]
    public void The_customer_or_an_operator_may_cancel_a_placed_or_paid_order()
    {
        Assert.Single(OrderDecider.Decide(new CancelOrder(s_customer, s_t0, "changed my mind"), Given(Placed)));
        Assert.Single(OrderDecider.Decide(new CancelOrder(s_operator, s_t0, "fraud"), Given(Placed, new PaymentAuthorized("p", s_t0))));
    }

    [Fact]
    public void A_stranger_is_told_the_order_does_not_exist()
    {
        Assert.Equal(DomainError.OrderNotFound, Refused(new CancelOrder(s_stranger, s_t0, "x"), Given(Placed)));
        Assert.Equal(DomainError.OrderNotFound, Refused(new CancelOrder(s_customer, s_t0, "x"), null));
    }

    public static TheoryData<string, string> InvalidTransitions => new()
    {
        { "shipped", "pay" },
        { "shipped", "ship" },
        { "shipped", "cancel" },
        { "rejected", "pay" },
        { "rejected", "ship" },
        { "rejected", "cancel" },
        { "cancelled", "pay" },
        { "cancelled", "cancel" },
        { "cancelled", "ship" },
        { "placed", "ship" },
        { "paid", "pay" },
    };

    [Theory]
    [MemberData(nameof(InvalidTransitions))]
    public void Any_other_transition_is_invalid(string from, string move)
    {
        OrderEvent[] history = from switch
        {
            "placed" => [Placed],
            "paid" => [Placed, new PaymentAuthorized("p", s_t0)],
            "shipped" => [Placed, new PaymentAuthorized("p", s_t0), new OrderShipped("ups", "1Z", s_t0)],
            "rejected" => [Placed, new PaymentRejected("p", s_t0)],
            "cancelled" => [Placed, new OrderCancelled("x", "alice", s_t0)],
            _ => throw new ArgumentOutOfRangeException(nameof(from)),
        };
        OrderCommand command = move switch
        {
            "pay" => new RecordPayment(s_operator, s_t0, true, "p2"),
            "ship" => new ShipOrder(s_operator, s_t0, "ups", "2Z"),
            _ => new CancelOrder(s_operator, s_t0, "late"),
        };
        Assert.Equal(DomainError.InvalidOrderTransition, Refused(command, Given(history)));
    }
}
