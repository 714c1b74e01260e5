namespace CartOrders.Application.Feed;

/// <summary>Settings of the hosted feed pumps (section <c>Feed</c>).</summary>
public sealed class FeedPumpOptions
{
    public const string Section = "Feed";

    /// <summary>
    /// For the subscriptions no one watches live (order placement, the integration publisher; not
    /// the projector, whose views and pushes people wait for): the least time from the start of
    /// one batch to the start of the next while events keep coming (0 to 1 s). An event that
    /// arrives when the subscription has been idle this long is handled at once; under a steady
    /// load the events of this interval are handled as one batch, with one feed read and one
    /// checkpoint write, instead of a batch per command.
    /// </summary>
    public TimeSpan BatchInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    public const string Invalid = "Feed:BatchInterval must be between 0 and 1 second.";

    public bool IsValid => BatchInterval >= TimeSpan.Zero && BatchInterval <= TimeSpan.FromSeconds(1);
}
