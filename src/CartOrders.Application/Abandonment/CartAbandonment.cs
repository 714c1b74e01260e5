using CartOrders.Application.Commands;
using CartOrders.Application.Ports;
using CartOrders.Application.Projections;
using CartOrders.Domain;
using CartOrders.Domain.Carts;
using CartOrders.Domain.Catalog;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CartOrders.Application.Abandonment;

/// <summary>Configuration section <c>Abandonment</c>.</summary>
public sealed class AbandonmentOptions
{
    public const string Section = "Abandonment";

    /// <summary>An open cart untouched this long is abandoned.</summary>
    public TimeSpan IdleFor { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the local server's sweep runs (the Functions app runs it hourly on its timer).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Ends the carts left idle: finds open carts whose view was last changed more than
/// <see cref="AbandonmentOptions.IdleFor"/> ago and appends <see cref="CartAbandoned"/> through the
/// normal command path, pinned to the version the view showed (as an If-Match would). A change
/// that lands first moves the stream on, so the abandonment is refused and the cart stays open;
/// an abandonment that lands first makes the late change a 409 <c>cart-abandoned</c>: exactly one
/// wins. The projector then writes the view (off every list), pushes it to the cart's viewers, and
/// the integration publisher publishes it.
/// </summary>
public sealed partial class CartAbandonment(
    IViewStore views,
    CommandHandler handler,
    ProductCatalog catalog,
    TimeProvider clock,
    IOptions<AbandonmentOptions> options,
    ILogger<CartAbandonment> logger)
{
    private const int PageSize = 100;

    /// <summary>Who abandons: the system, never a member; its user id is not one a token can carry into this path.</summary>
    public static Actor System { get; } = new(new UserId("cartorders-abandonment"));

    /// <summary>One sweep; answers how many carts it abandoned.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var before = now - options.Value.IdleFor;
        var abandoned = 0;
        var page = new PageRequest(PageSize, null);
        do
        {
            var idle = await views.ListByStatusAsync(Projector.CartKind, "open", before, page, cancellationToken);
            foreach (var view in idle.Items)
            {
                if (await AbandonAsync(view, now, cancellationToken))
                {
                    abandoned++;
                }
            }

            page = page with { After = idle.Next };
        }
        while (page.After is not null);

        if (abandoned > 0)
        {
            LogAbandoned(logger, abandoned);
        }

        return abandoned;
    }

    /// <summary>Appends CartAbandoned at the view's version; false when the cart moved on (a late change won) or was no longer open.</summary>
    public async Task<bool> AbandonAsync(ViewDocument view, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(view);
        var context = new CommandContext(System, now, ExpectedVersion: view.Version);
        try
        {
            var reply = await handler.HandleAsync(
                StreamTypes.Cart,
                "cart-" + view.Id,
                context,
                state => CartDecider.Decide(new AbandonCart(System, view.UpdatedAt), state, catalog),
                outcome => new CommandReply(outcome is Accepted<Cart> { NewEvents: > 0 } ? 200 : 409, ReadOnlyMemory<byte>.Empty, "application/json", outcome.Version, null),
                cancellationToken);
            return reply.Status == 200;
        }
        catch (VersionMismatchException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Abandoned {Count} idle carts")]
    private static partial void LogAbandoned(ILogger logger, int count);
}

/// <summary>The local server's schedule for <see cref="CartAbandonment"/>: at start, then every interval, on the given clock.</summary>
public sealed partial class CartAbandonmentService(CartAbandonment abandonment, IOptions<AbandonmentOptions> options, TimeProvider clock, ILogger<CartAbandonmentService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, clock);
        do
        {
            try
            {
                await abandonment.SweepAsync(stoppingToken);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // The next sweep finds the same idle carts again.
                LogFailed(logger, error);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Abandonment sweep failed; it runs again at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception error);
}
