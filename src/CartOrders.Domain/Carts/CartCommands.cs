namespace CartOrders.Domain.Carts;

/// <summary>Commands on a cart, in the imperative. The caller arrives on the command.</summary>
public abstract record CartCommand(Actor By);

/// <summary>Creates a cart owned by the caller, named when <c>Name</c> is given.</summary>
public sealed record CreateCart(Actor By, CartId CartId, CartName? Name = null) : CartCommand(By);

/// <summary>Names the cart anew; owner only. The same name again changes nothing.</summary>
public sealed record RenameCart(Actor By, CartName Name) : CartCommand(By);

public sealed record AddItem(Actor By, ProductId ProductId, int Quantity) : CartCommand(By);

/// <summary>Sets a line's quantity; 0 removes the line, a missing line is added.</summary>
public sealed record SetItemQuantity(Actor By, ProductId ProductId, int Quantity) : CartCommand(By);

public sealed record RemoveItem(Actor By, ProductId ProductId) : CartCommand(By);

public sealed record AddCollaborator(Actor By, UserId Collaborator) : CartCommand(By);

public sealed record RemoveCollaborator(Actor By, UserId Collaborator) : CartCommand(By);

public sealed record CheckOut(Actor By, OrderId OrderId, ShippingAddress ShippingAddress) : CartCommand(By);

/// <summary>
/// Ends a cart left idle since <c>IdleSince</c>; issued by the abandonment sweep (the system, not a
/// member). A cart that is no longer open is left as it is.
/// </summary>
public sealed record AbandonCart(Actor By, DateTimeOffset IdleSince) : CartCommand(By);
