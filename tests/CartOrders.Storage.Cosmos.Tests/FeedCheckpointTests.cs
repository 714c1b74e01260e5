using System.Text;
using System.Text.Json;
using CartOrders.Application.Ports;
using Microsoft.Azure.Cosmos;

namespace CartOrders.Storage.Cosmos.Tests;

public sealed class FeedCheckpointTests
{
    private const string WholeRange = "{\"Range\":{\"min\":\"\",\"max\":\"FF\"}}";

    [Fact]
    public void A_checkpoint_reads_back_with_every_range_its_continuation_and_the_next_range()
    {
        var keyRange = FeedRange.FromPartitionKey(new PartitionKey("cart-1")).ToJsonString();
        var checkpoint = new FeedCheckpoint(
            [
                new FeedRangePosition(WholeRange, "[{\"token\":\"\\\"42\\\"\",\"range\":{\"min\":\"\",\"max\":\"FF\"}}]"),
                new FeedRangePosition(keyRange, null),
            ],
            NextRange: 1);

        var text = checkpoint.Encode();
        var back = FeedCheckpoint.Parse(text);

        Assert.Equal(checkpoint.Ranges, back.Ranges);
        Assert.Equal(1, back.NextRange);
        Assert.Equal(1, JsonDocument.Parse(text).RootElement.GetProperty("v").GetInt32());
    }

    [Theory]
    [InlineData("", "not JSON")]
    [InlineData("42", "not a JSON object")]
    [InlineData("{not json", "not JSON")]
    [InlineData("{}", "format version")]
    [InlineData("{\"v\":2,\"ranges\":[{\"range\":\"x\"}]}", "format version")]
    [InlineData("{\"v\":1}", "no \"ranges\"")]
    [InlineData("{\"v\":1,\"ranges\":[]}", "no \"ranges\"")]
    [InlineData("{\"v\":1,\"ranges\":[{}]}", "no \"range\"")]
    [InlineData("{\"v\":1,\"ranges\":[{\"range\":\"nope\"}]}", "not a feed range")]
    [InlineData("{\"v\":1,\"ranges\":[{\"range\":\"" + "{\\\"Range\\\":{\\\"min\\\":\\\"\\\",\\\"max\\\":\\\"FF\\\"}}" + "\",\"continuation\":5}]}", "continuation")]
    [InlineData("{\"v\":1,\"next\":3,\"ranges\":[{\"range\":\"" + "{\\\"Range\\\":{\\\"min\\\":\\\"\\\",\\\"max\\\":\\\"FF\\\"}}" + "\"}]}", "\"next\" 3")]
    public void A_string_that_is_not_a_checkpoint_of_this_feed_is_refused_with_the_reason_and_what_to_do(string text, string reason)
    {
        var error = Assert.Throws<FormatException>(() => FeedCheckpoint.Parse(text));

        Assert.StartsWith("The Cosmos feed checkpoint is not valid: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains("delete its checkpoint document", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_batch_keeps_the_feeds_interleaving_of_streams_with_each_streams_versions_ascending_and_distinct()
    {
        StoredEvent[] read = [E("a", 2), E("b", 1), E("a", 1), E("b", 2), E("a", 3), E("a", 2), E("c", 1)];

        var arranged = FeedOrder.Arrange(read);

        Assert.Equal(["a:1", "b:1", "a:2", "b:2", "a:3", "c:1"], arranged.Select(e => $"{e.StreamId}:{e.Version}"));
    }

    private static StoredEvent E(string stream, long version) =>
        new(stream, version, Guid.NewGuid(), "T", Encoding.UTF8.GetBytes("{}"), new EventMetadata("u", DateTimeOffset.UtcNow));
}
