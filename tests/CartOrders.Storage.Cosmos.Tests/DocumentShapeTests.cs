using System.Text;
using System.Text.Json;
using CartOrders.Application.Ports;

namespace CartOrders.Storage.Cosmos.Tests;

public sealed class DocumentShapeTests
{
    private static readonly DateTimeOffset s_at = new(2025, 3, 4, 5, 6, 7, 89, TimeSpan.FromHours(2));

    [Fact]
    public void An_event_document_has_its_envelope_fields_and_embeds_the_event_as_a_json_object()
    {
        var e = new EventToAppend(Guid.Parse("0195f0c2-0000-7000-8000-000000000001"), "ItemAdded.v1", Encoding.UTF8.GetBytes("{\"productId\":\"p1\",\"quantity\":2}"), new EventMetadata("alice", s_at, "corr-9"));

        var json = Parse(EventItem.From("cart-1", 7, e));

        Assert.Equal(["id", "streamId", "kind", "version", "eventId", "type", "data", "userId", "occurredAt", "correlationId"], Names(json));
        Assert.Equal("7", json.GetProperty("id").GetString());
        Assert.Equal("cart-1", json.GetProperty("streamId").GetString());
        Assert.Equal("event", json.GetProperty("kind").GetString());
        Assert.Equal(7, json.GetProperty("version").GetInt64());
        Assert.Equal(JsonValueKind.Object, json.GetProperty("data").ValueKind);
        Assert.Equal(2, json.GetProperty("data").GetProperty("quantity").GetInt32());
        Assert.Equal("2025-03-04T03:06:07.0890000Z", json.GetProperty("occurredAt").GetString());
    }

    [Fact]
    public void An_event_reads_back_from_its_document_with_the_same_payload_and_metadata()
    {
        var e = new EventToAppend(Guid.NewGuid(), "ItemAdded.v1", Encoding.UTF8.GetBytes("{\"n\":2}"), new EventMetadata("bob", s_at, null));

        var stored = RoundTrip(EventItem.From("cart-1", 3, e)).ToStoredEvent();

        Assert.Equal(("cart-1", 3L, e.EventId, "ItemAdded.v1"), (stored.StreamId, stored.Version, stored.EventId, stored.Type));
        Assert.Equal("{\"n\":2}", Encoding.UTF8.GetString(stored.Data.Span));
        Assert.Equal(("bob", s_at, (string?)null), (stored.Metadata.UserId, stored.Metadata.OccurredAt, stored.Metadata.CorrelationId));
        Assert.DoesNotContain("correlationId", Names(Parse(EventItem.From("cart-1", 3, e))));
    }

    [Fact]
    public void Event_data_that_is_not_json_is_refused_with_the_event_type_named()
    {
        var e = new EventToAppend(Guid.NewGuid(), "ItemAdded.v1", Encoding.UTF8.GetBytes("not json"), new EventMetadata("bob", s_at));

        var error = Assert.Throws<ArgumentException>(() => EventItem.From("cart-1", 1, e));

        Assert.Contains("ItemAdded.v1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tip_document_holds_the_version_and_the_snapshot_state_as_a_json_object()
    {
        var tip = new TipItem { StreamId = "cart-1", Version = 4, Schema = "Cart.v1", State = JsonDocument.Parse("{\"items\":[]}").RootElement, UpdatedAt = s_at };

        var json = Parse(tip);

        Assert.Equal(["id", "streamId", "kind", "version", "schema", "state", "updatedAt"], Names(json));
        Assert.Equal("tip", json.GetProperty("id").GetString());
        Assert.Equal("tip", json.GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Object, json.GetProperty("state").ValueKind);
        var snapshot = RoundTrip(tip).ToSnapshot();
        Assert.NotNull(snapshot);
        Assert.Equal((4L, "Cart.v1", "{\"items\":[]}"), (snapshot.Version, snapshot.Schema, Encoding.UTF8.GetString(snapshot.State.Span)));
    }

    [Fact]
    public void A_tip_without_state_is_no_snapshot()
    {
        var tip = new TipItem { StreamId = "cart-1", Version = 4, UpdatedAt = s_at };

        Assert.Equal(["id", "streamId", "kind", "version", "updatedAt"], Names(Parse(tip)));
        Assert.Null(RoundTrip(tip).ToSnapshot());
    }

    [Fact]
    public void An_idempotency_document_keeps_the_reply_byte_for_byte_and_expires_by_its_own_ttl()
    {
        var body = Encoding.UTF8.GetBytes("{\"cartId\":\"c1\",\"note\":\"é\"}");
        var record = new IdempotencyRecord("idem-abc", "cart-1", "POST /api/carts", new CommandReply(201, body, "application/json", 1, "/api/carts/c1"), s_at);

        var item = IdempotencyItem.From(record, TimeSpan.FromHours(24));
        var json = Parse(item);

        Assert.Equal(["id", "streamId", "kind", "fingerprint", "status", "body", "contentType", "version", "location", "createdAt", "ttl"], Names(json));
        Assert.Equal("idempotency", json.GetProperty("kind").GetString());
        Assert.Equal(86400, json.GetProperty("ttl").GetInt32());
        var back = RoundTrip(item).ToRecord();
        Assert.Equal(body, back.Reply.Body.ToArray());
        Assert.Equal((201, "application/json", (long?)1, "/api/carts/c1", "POST /api/carts"), (back.Reply.Status, back.Reply.ContentType, back.Reply.Version, back.Reply.Location, back.Fingerprint));
    }

    [Fact]
    public void A_view_document_is_its_own_partition_and_embeds_the_view_as_a_json_object()
    {
        var document = new ViewDocument("cart", "c1", 5, ["alice", "bob", "alice"], Encoding.UTF8.GetBytes("{\"cartId\":\"c1\",\"total\":12.5}"), s_at);

        var item = ViewItem.From(document);
        var json = Parse(item);

        Assert.Equal(["id", "pk", "kind", "viewId", "version", "members", "json", "updatedAt", "createdAt"], Names(json));
        Assert.Equal("cart-c1", json.GetProperty("id").GetString());
        Assert.Equal("cart-c1", json.GetProperty("pk").GetString());
        Assert.Equal(["alice", "bob"], json.GetProperty("members").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(12.5m, json.GetProperty("json").GetProperty("total").GetDecimal());
        var back = RoundTrip(item).ToDocument();
        Assert.Equal(("cart", "c1", 5L, s_at), (back.Kind, back.Id, back.Version, back.UpdatedAt));
        Assert.Equal("{\"cartId\":\"c1\",\"total\":12.5}", Encoding.UTF8.GetString(back.Json.Span));
    }

    [Fact]
    public void Timestamps_are_fixed_width_utc_strings_so_they_sort_as_time()
    {
        DateTimeOffset[] times = [s_at, s_at.AddTicks(1), s_at.AddMilliseconds(500), s_at.AddSeconds(1), new DateTimeOffset(2025, 3, 4, 3, 6, 8, TimeSpan.Zero)];

        var texts = times.Select(t => Parse(new TipItem { StreamId = "s", Version = 1, UpdatedAt = t }).GetProperty("updatedAt").GetString()!).ToList();

        Assert.Equal(texts.Order(StringComparer.Ordinal), texts.OrderBy(t => DateTimeOffset.Parse(t, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(texts, t => Assert.Equal(28, t.Length));
    }

    [Fact]
    public void A_checkpoint_document_is_an_id_and_the_checkpoint()
    {
        var json = Parse(new CheckpointItem { Id = CheckpointItem.IdOf("projector"), Checkpoint = "{\"v\":1}" });

        Assert.Equal(["id", "checkpoint"], Names(json));
        Assert.Equal("checkpoint-projector", json.GetProperty("id").GetString());
    }

    [Fact]
    public void A_parked_event_keeps_the_event_and_the_reason_under_an_id_derived_from_subscription_stream_and_version()
    {
        var e = new StoredEvent("cart-1", 4, Guid.NewGuid(), "ItemAdded.v1", Encoding.UTF8.GetBytes("{\"n\":4}"), new EventMetadata("alice", s_at, "c"));
        var parked = new ParkedEvent("projector", e, "InvalidDataException: bad", s_at);

        var item = ParkedEventItem.From(parked);
        var json = Parse(item);

        Assert.Equal(["id", "kind", "subscription", "streamId", "version", "eventId", "type", "data", "userId", "occurredAt", "correlationId", "reason", "parkedAt"], Names(json));
        Assert.Equal("parked", json.GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Object, json.GetProperty("data").ValueKind);
        Assert.Equal(item.Id, ParkedEventItem.IdOf("projector", "cart-1", 4));
        Assert.NotEqual(item.Id, ParkedEventItem.IdOf("projector", "cart-1", 5));
        Assert.NotEqual(item.Id, ParkedEventItem.IdOf("publisher", "cart-1", 4));
        Assert.Matches("^parked-[0-9a-f]{40}$", item.Id);
        var back = RoundTrip(item).ToParkedEvent();
        Assert.Equal(("projector", "InvalidDataException: bad", "cart-1", 4L, e.EventId), (back.Subscription, back.Reason, back.Event.StreamId, back.Event.Version, back.Event.EventId));
        Assert.Equal("{\"n\":4}", Encoding.UTF8.GetString(back.Event.Data.Span));
    }

    [Fact]
    public void The_parked_streams_of_a_subscription_are_one_document_with_an_id_any_subscription_name_can_make()
    {
        var json = Parse(new ParkedStreamsItem { Id = ParkedStreamsItem.IdOf("a/b?#"), Subscription = "a/b?#", Streams = ["cart-1"] });

        Assert.Equal(["id", "kind", "subscription", "streams"], Names(json));
        Assert.Matches("^parked-streams-[0-9a-f]{40}$", json.GetProperty("id").GetString());
    }

    private static JsonElement Parse<T>(T item) => JsonDocument.Parse(CosmosJson.Serialize(item)).RootElement;

    private static T RoundTrip<T>(T item) => CosmosJson.Deserialize<T>(new MemoryStream(CosmosJson.Serialize(item)));

    private static List<string> Names(JsonElement json) => [.. json.EnumerateObject().Select(p => p.Name)];
}
