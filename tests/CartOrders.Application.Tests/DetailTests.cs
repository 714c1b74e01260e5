using System.Diagnostics;
using CartOrders.Application.Commands;
using CartOrders.Application.Feed;
using CartOrders.Application.Integration;
using CartOrders.Application.Ports;
using CartOrders.Application.Projections;
using CartOrders.Application.Serialization;
using CartOrders.Domain;
using CartOrders.Domain.Carts;
using CartOrders.Domain.Orders;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using static CartOrders.Application.Tests.Harness;

namespace CartOrders.Application.Tests;

/// <summary>The details the API, the feed and operators rely on: names, shapes, time stamps, traces and limits.</summary>
public sealed class DetailTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Idempotency_records_are_stored_under_a_stable_hash_of_the_user_and_the_key() =>
        // Stored keys outlive releases: a replay after an upgrade must find the record written before it.
        Assert.Equal("idem-0886466c4ecaecba85bb34f9fe61f9e84700dd32", CommandHandler.IdempotencyRecordKey("alice", "k1"));

    [Fact]
    public void Stream_types_name_their_snapshot_schema_and_weigh_states_by_what_makes_them_grow()
    {
        var cart = new Cart("c1", "alice", "EUR", [], [new CartLine("a", "A", 100, 1), new CartLine("b", "B", 100, 1)], CartStatus.Open, null);
        var order = Order.Evolve(null, new OrderPlaced("o1", "c1", "alice", [new CartLine("a", "A", 100, 1)], 100, "EUR", new("A", "1", "L", "1", "FR"), s_t0))!;

        Assert.Equal(("Cart.v3", 3), (StreamTypes.Cart.Schema, StreamTypes.Cart.Weight(cart)));
        Assert.Equal(("Order.v2", 3), (StreamTypes.Order.Schema, StreamTypes.Order.Weight(order)));
    }

    [Fact]
    public void Counters_and_the_trace_source_carry_the_documented_names()
    {
        Assert.Equal(("CartOrders", "CartOrders"), (Telemetry.Source.Name, Telemetry.Meter.Name));
        Assert.Equal(("cartorders.commands.appended", "Commands whose events were appended"), (Telemetry.CommandsAppended.Name, Telemetry.CommandsAppended.Description));
        Assert.Equal(("cartorders.append.conflicts", "Appends refused for a wrong expected version"), (Telemetry.WriteConflicts.Name, Telemetry.WriteConflicts.Description));
        Assert.Equal(("cartorders.feed.events", "Feed events handled, by subscription"), (Telemetry.FeedEventsHandled.Name, Telemetry.FeedEventsHandled.Description));
        Assert.Equal(
            ("cartorders.integration.published", "Integration events accepted by the broker (or logged when publishing is off)"),
            (IntegrationTelemetry.Published.Name, IntegrationTelemetry.Published.Description));
        Assert.Equal(
            ("cartorders.integration.poisoned", "Integration events that could never be published and were set aside"),
            (IntegrationTelemetry.Poisoned.Name, IntegrationTelemetry.Poisoned.Description));
        Assert.Equal(
            ("cartorders.integration.send_retries", "Broker calls retried after a transient failure"),
            (IntegrationTelemetry.SendRetries.Name, IntegrationTelemetry.SendRetries.Description));
    }

    [Fact]
    public void Exceptions_say_what_happened()
    {
        Assert.Equal("The stream is at version 7.", new VersionMismatchException(7).Message);
        Assert.Equal("This Idempotency-Key was used for a different request.", new IdempotencyKeyReusedException().Message);
        Assert.Equal("Stream 'cart-c1' is too contended right now; retry.", new ContentionException("cart-c1").Message);
        Assert.Equal("Stream 'cart-c1' expected at version 3 but is at 5.", new WrongExpectedVersionException("cart-c1", 3, 5).Message);
        Assert.Equal("Stream 'cart-c1' expected at version 3 but is at a later version.", new WrongExpectedVersionException("cart-c1", 3, null).Message);
        Assert.Equal("Idempotency record 'idem-1' already exists.", new IdempotencyKeyTakenException("idem-1").Message);
        Assert.Equal("The store is busy; retry later.", new StoreBusyException(TimeSpan.FromSeconds(1)).Message);
    }

    [Fact]
    public void Views_name_statuses_as_the_contract_does_and_list_the_owner_first()
    {
        Assert.Equal(
            ["placed", "paymentAuthorized", "rejected", "shipped", "cancelled"],
            Enum.GetValues<OrderStatus>().Select(Projection.StatusName));
        Assert.Throws<ArgumentOutOfRangeException>(() => Projection.StatusName((OrderStatus)99));

        var open = new Cart("c1", "alice", "EUR", ["bob", "carol"], [], CartStatus.Open, null);
        Assert.Equal("open", Projection.ToView(open, 1, s_t0).Status);
        Assert.Equal("checkedOut", Projection.ToView(open with { Status = CartStatus.CheckedOut }, 1, s_t0).Status);
        Assert.Equal(["alice", "bob", "carol"], Projection.ToView(open, 1, s_t0).Members);

        Assert.Throws<ArgumentNullException>(() => Projection.ToView((Cart)null!, 1, s_t0));
        Assert.Throws<ArgumentNullException>(() => Projection.ToView((Order)null!, 1));
        Assert.Throws<ArgumentNullException>(() => LineView.From(null!, "EUR"));
    }

    [Fact]
    public void The_product_json_is_camel_case_with_enums_as_camel_case_strings_and_no_nulls()
    {
        var json = System.Text.Encoding.UTF8.GetString(Json.Serialize(new { OrderStatus = OrderStatus.PaymentAuthorized, Missing = (string?)null }));

        Assert.Equal("""{"orderStatus":"paymentAuthorized"}""", json);
        Assert.True(Json.Options.IsReadOnly);
        Assert.Throws<System.Text.Json.JsonException>(() => Json.Deserialize<CartView>("null"u8.ToArray()));
    }

    [Fact]
    public void Event_names_cover_every_domain_event_and_unknown_names_are_refused()
    {
        Assert.Equal("CartCreated.v1", EventSerializer.NameOf<CartCreated>());
        Assert.Contains("OrderPlaced.v2", EventSerializer.TypeNames);
        Assert.Throws<ArgumentNullException>(() => EventSerializer.TypeName(null!));
        Assert.Throws<ArgumentNullException>(() => EventSerializer.Serialize(null!));
        var unknown = Assert.Throws<System.Text.Json.JsonException>(() => EventSerializer.Deserialize("Nope.v1", "{}"u8.ToArray()));
        Assert.Equal("Unknown event type 'Nope.v1': no event or upcaster of that name in this release.", unknown.Message);
        Assert.Throws<System.Text.Json.JsonException>(() => EventSerializer.Deserialize("CartCreated.v1", "null"u8.ToArray()));
    }

    [Fact]
    public void Only_failures_that_cannot_heal_are_permanent()
    {
        Assert.True(FeedFailure.IsPermanent(new PermanentFeedException("bad")));
        Assert.True(FeedFailure.IsPermanent(new AggregateException(new FormatException(), new InvalidDataException())));
        Assert.False(FeedFailure.IsPermanent(new AggregateException(new FormatException(), new TimeoutException())));
        Assert.False(FeedFailure.IsPermanent(new AggregateException()));
        Assert.False(FeedFailure.IsPermanent(new TimeoutException()));
    }

    [Fact]
    public void A_batch_links_to_the_traces_of_its_commands_once_each_and_ignores_ids_that_are_not_trace_ids()
    {
        const string a = "0af7651916cd43dd8448eb211c80319c";
        const string b = "4bf92f3577b34da6a3ce929d0e0e4736";
        var events = new[]
        {
            Stored(a), Stored(a), Stored(b), Stored(null), Stored("corr-1"),
            Stored("0AF7651916CD43DD8448EB211C80319C"), Stored(new string('0', 32)), Stored(a[..31]), Stored(a + "0"), Stored("0af7651916cd43dd8448eb211c80319g"),
        };

        Assert.Equal([a, b], FeedPump.TraceLinks(events).Select(l => l.Context.TraceId.ToHexString()));
        Assert.Throws<ArgumentNullException>(() => FeedPump.TraceLinks(null!));
    }

    [Fact]
    public void A_batch_links_to_at_most_32_traces()
    {
        var events = Enumerable.Range(1, 40).Select(i => Stored(ActivityTraceId.CreateRandom().ToHexString())).ToList();

        Assert.Equal(FeedPump.MaxTraceLinks, FeedPump.TraceLinks(events).Count);
        Assert.Equal(32, FeedPump.MaxTraceLinks);
    }

    [Fact]
    public async Task Draining_handles_batches_until_caught_up_or_the_budget_is_spent()
    {
        await using var h = new Harness();
        for (var i = 0; i < 3; i++)
        {
            await h.Cart($"c{i}", new CreateCart(Alice, new CartId($"c{i}")));
        }

        var counting = new CountingHandler();
        var pump = new FeedPump(h.Feed, h.Checkpoints, counting, h.Parking, NullLogger<FeedPump>.Instance);
        Assert.Equal(3, await pump.DrainAsync(TimeSpan.FromMinutes(1), Ct));
        Assert.Equal(0, await pump.DrainAsync(TimeSpan.FromMinutes(1), Ct));
        Assert.Equal(3, counting.Events);

        for (var i = 3; i < 300; i++)
        {
            await h.Cart($"c{i}", new CreateCart(Alice, new CartId($"c{i}")));
        }

        // A spent budget still finishes the batch it started, and stops there.
        Assert.Equal(FeedPump.DefaultBatchSize, await pump.DrainAsync(TimeSpan.Zero, Ct));
        Assert.Equal(297 - FeedPump.DefaultBatchSize, await pump.DrainAsync(TimeSpan.FromMinutes(1), Ct));
        Assert.Equal(300, counting.Events);
    }

    [Fact]
    public async Task A_replay_that_still_fails_keeps_the_events_parked_and_says_why()
    {
        await using var h = new Harness();
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        var batch = await h.Feed.ReadAsync(null, 10, Ct);
        await h.Parking.ParkAsync([new ParkedEvent("failing", batch.Events[0], "first", s_t0)], Ct);

        var result = Assert.Single(await new ParkedEventReplayer(h.Parking).ReplayAsync(new FailingHandler(), Ct));

        Assert.Equal(new ReplayResult("failing", "cart-c1", 1, false, "still broken"), result);
        Assert.Single(await h.Parking.ListAsync("failing", Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => new ParkedEventReplayer(h.Parking).ReplayAsync(null!, Ct));
    }

    [Fact]
    public async Task A_command_without_events_keeps_the_time_of_the_last_change_and_one_with_events_takes_its_own()
    {
        await using var h = new Harness();
        var created = s_t0;
        var later = s_t0.AddHours(1);
        var handler = h.NewHandler();

        var first = await Handle(handler, new CreateCart(Alice, new CartId("c1")), created);
        var noOp = await Handle(h.NewHandler(), new RemoveCollaborator(Alice, Bob.UserId), later);
        var change = await Handle(handler, new AddItem(Alice, Product(0), 1), later);

        Assert.Equal(created, first.UpdatedAt);
        Assert.Equal(created, noOp.UpdatedAt);
        Assert.Equal(later, change.UpdatedAt);

        async Task<CartView> Handle(CommandHandler on, CartCommand command, DateTimeOffset now) =>
            Json.Deserialize<CartView>((await h.Cart("c1", command, new CommandContext(command.By, now), on)).Body);
    }

    [Fact]
    public async Task Stored_events_carry_the_callers_correlation_id_or_else_the_current_trace()
    {
        await using var h = new Harness();
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")), new CommandContext(Alice, s_t0, CorrelationId: "corr-1"));
        using (var listener = ListenToProduct())
        using (var activity = Telemetry.Source.StartActivity("test"))
        {
            Assert.NotNull(activity);
            await h.Cart("c1", new AddItem(Alice, Product(0), 1), new CommandContext(Alice, s_t0));
            var events = await h.Store.ReadStreamAsync("cart-c1", cancellationToken: Ct);
            Assert.Equal(["corr-1", activity.TraceId.ToHexString()], events.Select(e => e.Metadata.CorrelationId));
        }

        await h.Cart("c1", new AddItem(Alice, Product(1), 1), new CommandContext(Alice, s_t0));
        Assert.Null((await h.Store.ReadStreamAsync("cart-c1", cancellationToken: Ct))[^1].Metadata.CorrelationId);
    }

    [Fact]
    public async Task A_command_is_traced_with_its_stream_and_the_version_it_wrote()
    {
        await using var h = new Harness();
        var traced = new List<Activity>();
        using var listener = ListenToProduct(traced.Add);

        // The listener hears every test of this process: the cart's own id tells its activity apart.
        var id = "traced-" + Guid.NewGuid().ToString("N");
        await h.Cart(id, new CreateCart(Alice, new CartId(id)));

        var command = Assert.Single(traced, a => a.OperationName == "command Cart.v3" && Equals(a.GetTagItem("cartorders.stream"), "cart-" + id));
        Assert.Equal(1L, command.GetTagItem("cartorders.version"));
    }

    [Fact]
    public async Task A_command_needs_its_type_context_decision_and_reply()
    {
        await using var h = new Harness();
        var context = new CommandContext(Alice, s_t0);
        Func<Cart?, IReadOnlyList<CartEvent>> decide = _ => [];
        Func<Outcome<Cart>, CommandReply> reply = Reply;

        await Assert.ThrowsAsync<ArgumentNullException>(() => h.Commands.HandleAsync<Cart, CartEvent>(null!, "cart-c1", context, decide, reply, Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => h.Commands.HandleAsync(StreamTypes.Cart, "cart-c1", null!, decide, reply, Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => h.Commands.HandleAsync(StreamTypes.Cart, "cart-c1", context, null!, reply, Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => h.Commands.HandleAsync(StreamTypes.Cart, "cart-c1", context, decide, null!, Ct));
    }

    [Fact]
    public async Task Conflicts_that_never_end_give_up_after_12_attempts_with_contention()
    {
        await using var h = new Harness();
        var store = new ConflictingStore(h.Store);
        var handler = h.NewHandler(store);

        var error = await Assert.ThrowsAsync<ContentionException>(() => h.Cart("c1", new CreateCart(Alice, new CartId("c1")), handler: handler));

        Assert.Equal("cart-c1", error.StreamId);
        Assert.Equal(12, store.Appends);
    }

    [Fact]
    public void The_application_registers_its_services_and_a_feed_pump_runs_as_a_hosted_service()
    {
        var services = new ServiceCollection()
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddCartOrdersApplication()
            .AddFeedPump<CountingHandler>();

        foreach (var type in new[] { typeof(TimeProvider), typeof(Domain.Catalog.ProductCatalog), typeof(StreamLocks), typeof(StreamLoader), typeof(CommandHandler), typeof(Projector), typeof(OrderPlacement), typeof(Abandonment.CartAbandonment) })
        {
            Assert.Contains(services, d => d.ServiceType == type && d.Lifetime == ServiceLifetime.Singleton);
        }

        Assert.Contains(services, d => d.ServiceType == typeof(IFeedHandler));
        Assert.Contains(services, d => d.ServiceType == typeof(IHostedService));
        Assert.Throws<ArgumentNullException>(() => ApplicationServices.CreatePump<CountingHandler>(null!));
    }

    private static ActivityListener ListenToProduct(Action<Activity>? stopped = null)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == Telemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => stopped?.Invoke(a),
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private static StoredEvent Stored(string? correlationId) =>
        new("cart-c1", 1, Guid.NewGuid(), "CartCreated.v1", "{}"u8.ToArray(), new EventMetadata("alice", s_t0, correlationId));

    private sealed class CountingHandler : IFeedHandler
    {
        public int Events { get; private set; }

        public string Subscription => "counting";

        public Task HandleAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
        {
            Events += events.Count;
            return Task.CompletedTask;
        }
    }

    private sealed class FailingHandler : IFeedHandler
    {
        public string Subscription => "failing";

        public Task HandleAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken) =>
            throw new PermanentFeedException("still broken");
    }
}
