namespace CartOrders.Domain.Orders;

/// <summary>
/// The order's rules. Status flow: placed -> paymentAuthorized -> shipped; placed -> rejected;
/// placed or paymentAuthorized -> cancelled. Anything else is an invalid transition.
/// </summary>
public static class OrderDecider
{
    public static IReadOnlyList<OrderEvent> Decide(OrderCommand command, Order? state)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command is PlaceOrder place)
        {
            var c = place.Checkout;
            return state is null
                ? [new OrderPlaced(c.OrderId, place.CartId.Value, c.OwnerId, c.Lines, c.TotalMinor, c.Currency, c.ShippingAddress, place.At)]
                : throw new DomainException(DomainError.OrderAlreadyPlaced);
        }

        // Neither the customer nor an operator: the order is not theirs to see.
        if (state is null || !state.IsVisibleTo(command.By))
        {
            throw new DomainException(DomainError.OrderNotFound);
        }

        return command switch
        {
            RecordPayment c => RequireOperator(c) && RequireStatus(state, OrderStatus.Placed)
                ? [c.Approved ? new PaymentAuthorized(c.Reference, c.At) : new PaymentRejected(c.Reference, c.At)]
                : [],
            ShipOrder c => RequireOperator(c) && RequireStatus(state, OrderStatus.PaymentAuthorized)
                ? [new OrderShipped(c.Carrier, c.TrackingNumber, c.At)]
                : [],
            CancelOrder c => RequireStatus(state, OrderStatus.Placed, OrderStatus.PaymentAuthorized)
                ? [new OrderCancelled(c.Reason, c.By.UserId.Value, c.At)]
                : [],
            _ => throw new ArgumentException($"Unknown order command {command.GetType().Name}.", nameof(command)),
        };
    }

    private static bool RequireOperator(OrderCommand c) =>
        c.By.IsOperator ? true : throw new DomainException(DomainError.OperatorOnly);

    private static bool RequireStatus(Order state, params OrderStatus[] allowed) =>
        allowed.Contains(state.Status)
            ? true
            : throw new DomainException(DomainError.InvalidOrderTransition, $"An order that is {state.Status} cannot make that move.");
}
