using System.Net;
using System.Text;
using CartOrders.Application.Ports;

namespace CartOrders.Storage.Cosmos.Tests;

public sealed class AppendPlanTests
{
    private static readonly TimeSpan s_ttl = TimeSpan.FromHours(24);

    [Fact]
    public void The_first_append_creates_the_events_by_version_then_the_tip_then_the_idempotency_record()
    {
        var request = new AppendRequest("cart-1", 0, [Event(), Event()], Snapshot("cart-1", 2), Record("idem-k"));

        var plan = AppendPlan.Create(request, tip: null, s_ttl);

        Assert.Equal([typeof(CreateEvent), typeof(CreateEvent), typeof(CreateTip), typeof(CreateIdempotency)], plan.Operations.Select(o => o.GetType()));
        Assert.Equal(["1", "2", "tip", "idem-k"], plan.Operations.Select(o => o.Id));
        Assert.Equal([1L, 2L], plan.Operations.OfType<CreateEvent>().Select(e => e.Item.Version));
        var tip = Assert.Single(plan.Operations.OfType<CreateTip>()).Item;
        Assert.Equal((2L, "Cart.v1"), (tip.Version, tip.Schema));
        Assert.Equal(86400, Assert.Single(plan.Operations.OfType<CreateIdempotency>()).Item.Ttl);
        Assert.Equal(2, plan.NextVersion);
    }

    [Fact]
    public void A_later_append_replaces_the_tip_only_if_it_still_has_the_etag_that_was_read()
    {
        var request = new AppendRequest("cart-1", 3, [Event()], Snapshot("cart-1", 4));

        var plan = AppendPlan.Create(request, new CurrentTip(3, "\"etag-3\""), s_ttl);

        Assert.Equal(["4", "tip"], plan.Operations.Select(o => o.Id));
        var replace = Assert.IsType<ReplaceTip>(plan.Operations[1]);
        Assert.Equal("\"etag-3\"", replace.ETag);
        Assert.Equal(4, replace.Item.Version);
        Assert.Equal(4, plan.NextVersion);
    }

    [Fact]
    public void An_append_without_a_snapshot_still_moves_the_tip_to_the_new_version_without_state()
    {
        var plan = AppendPlan.Create(new AppendRequest("cart-1", 1, [Event(), Event()]), new CurrentTip(1, "e"), s_ttl);

        var tip = Assert.IsType<ReplaceTip>(plan.Operations[^1]).Item;
        Assert.Equal(3, tip.Version);
        Assert.Null(tip.Schema);
        Assert.Null(tip.State);
    }

    [Theory]
    [InlineData(0, 3L)]
    [InlineData(5, 3L)]
    [InlineData(2, null)]
    public void An_expected_version_other_than_the_tips_is_refused_before_anything_is_written(long expected, long? tipVersion)
    {
        var tip = tipVersion is { } v ? new CurrentTip(v, "e") : null;

        var refused = Assert.Throws<WrongExpectedVersionException>(() => AppendPlan.Create(new AppendRequest("cart-1", expected, [Event()], Idempotency: Record("idem-k")), tip, s_ttl));

        Assert.Equal((expected, tipVersion ?? 0), (refused.Expected, refused.Actual));
    }

    [Fact]
    public void A_record_alone_writes_only_the_idempotency_record_without_checking_the_version()
    {
        var plan = AppendPlan.Create(new AppendRequest("cart-1", 7, [], Idempotency: Record("idem-k")), tip: null, s_ttl);

        Assert.IsType<CreateIdempotency>(Assert.Single(plan.Operations));
        Assert.Equal(7, plan.NextVersion);
        Assert.Empty(AppendPlan.Create(new AppendRequest("cart-1", 7, []), null, s_ttl).Operations);
    }

    [Fact]
    public void An_append_larger_than_one_transactional_batch_is_refused()
    {
        var request = new AppendRequest("cart-1", 0, [.. Enumerable.Range(0, 99).Select(_ => Event())], Idempotency: Record("idem-k"));

        var error = Assert.Throws<ArgumentException>(() => AppendPlan.Create(request, null, s_ttl));

        Assert.Contains("at most 100", error.Message, StringComparison.Ordinal);
        Assert.Equal(100, AppendPlan.Create(request with { Idempotency = null }, null, s_ttl).Operations.Count);
    }

    [Fact]
    public void A_snapshot_at_another_version_than_the_append_reaches_is_refused()
    {
        Assert.Throws<ArgumentException>(() => AppendPlan.Create(new AppendRequest("cart-1", 0, [Event()], Snapshot("cart-1", 2)), null, s_ttl));
    }

    [Theory]
    [InlineData("tip")]
    [InlineData("12")]
    public void An_idempotency_key_that_is_the_id_of_a_tip_or_an_event_is_refused(string key)
    {
        Assert.Throws<ArgumentException>(() => AppendPlan.Create(new AppendRequest("cart-1", 0, [], Idempotency: Record(key)), null, s_ttl));
    }

    [Fact]
    public void A_conflict_on_the_idempotency_record_means_the_key_is_taken()
    {
        var plan = FirstAppendWithRecord();

        var failure = plan.Failure(HttpStatusCode.Conflict, [Dependency, Dependency, Dependency, HttpStatusCode.Conflict], null);

        Assert.Equal("idem-k", Assert.IsType<IdempotencyKeyTakenException>(failure).Key);
    }

    [Theory]
    [InlineData(0, HttpStatusCode.Conflict)]
    [InlineData(1, HttpStatusCode.Conflict)]
    [InlineData(2, HttpStatusCode.Conflict)]
    public void A_conflict_on_an_event_or_on_creating_the_tip_means_another_append_won(int failing, HttpStatusCode status)
    {
        var plan = FirstAppendWithRecord();
        var statuses = Enumerable.Repeat(Dependency, 4).ToArray();
        statuses[failing] = status;

        var failure = plan.Failure(status, statuses, null);

        var conflict = Assert.IsType<WrongExpectedVersionException>(failure);
        Assert.Equal(("cart-1", 0L, (long?)null), (conflict.StreamId, conflict.Expected, conflict.Actual));
    }

    [Theory]
    [InlineData(HttpStatusCode.PreconditionFailed)]
    [InlineData(HttpStatusCode.NotFound)]
    public void A_tip_replace_that_fails_its_etag_means_another_append_won(HttpStatusCode status)
    {
        var plan = AppendPlan.Create(new AppendRequest("cart-1", 3, [Event()], Idempotency: Record("idem-k")), new CurrentTip(3, "e"), s_ttl);

        var failure = plan.Failure(status, [Dependency, status, Dependency], null);

        Assert.IsType<WrongExpectedVersionException>(failure);
    }

    [Fact]
    public void A_throttled_batch_is_a_busy_store_with_the_services_retry_after()
    {
        var failure = FirstAppendWithRecord().Failure(HttpStatusCode.TooManyRequests, [], TimeSpan.FromMilliseconds(750));

        Assert.Equal(TimeSpan.FromMilliseconds(750), Assert.IsType<StoreBusyException>(failure).RetryAfter);
    }

    [Fact]
    public void Any_other_failure_names_the_batch_status_and_the_failing_operation()
    {
        var failure = FirstAppendWithRecord().Failure(HttpStatusCode.BadRequest, [Dependency, HttpStatusCode.BadRequest, Dependency, Dependency], null);

        var error = Assert.IsType<InvalidOperationException>(failure);
        Assert.Contains("400", error.Message, StringComparison.Ordinal);
        Assert.Contains("operation 1 (CreateEvent '2')", error.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(FirstAppendWithRecord().Failure(HttpStatusCode.RequestEntityTooLarge, [], null));
    }

    private const HttpStatusCode Dependency = HttpStatusCode.FailedDependency;

    private static AppendPlan FirstAppendWithRecord() =>
        AppendPlan.Create(new AppendRequest("cart-1", 0, [Event(), Event()], Idempotency: Record("idem-k")), null, s_ttl);

    private static EventToAppend Event() =>
        new(Guid.NewGuid(), "ItemAdded.v1", Encoding.UTF8.GetBytes("{\"n\":1}"), new EventMetadata("alice", DateTimeOffset.UtcNow));

    private static Snapshot Snapshot(string stream, long version) =>
        new(stream, version, "Cart.v1", Encoding.UTF8.GetBytes("{\"s\":1}"), DateTimeOffset.UtcNow);

    private static IdempotencyRecord Record(string key) =>
        new(key, "cart-1", "f", new CommandReply(200, Encoding.UTF8.GetBytes("{}"), "application/json", 1, null), DateTimeOffset.UtcNow);
}
