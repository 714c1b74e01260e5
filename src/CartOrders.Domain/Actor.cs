namespace CartOrders.Domain;

/// <summary>Who issues a command: the caller's user id and whether they hold the operator role.</summary>
public sealed record Actor(UserId UserId, bool IsOperator = false);
