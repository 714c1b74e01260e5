using System.Reflection;
using Microsoft.Azure.Cosmos;

namespace CartOrders.CosmosServer.Tests;

/// <summary>
/// The server places items in ranges by the effective partition key the SDK computes for the same
/// key. The SDK's own computation is internal; the test reaches it by reflection so that the
/// server's hashing is compared with the SDK's, not with a copy of itself.
/// </summary>
public sealed class EffectivePartitionKeyTests
{
    [Theory]
    [InlineData("cart-7f3c")]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("a-key-long-enough-to-span-more-than-one-sixteen-byte-block-of-murmur-hash")]
    [InlineData("héllo wörld ✓")]
    public void String_keys_hash_as_the_sdk_hashes_them(string key) =>
        Assert.Equal(SdkEffectivePartitionKey(new PartitionKey(key)), EffectivePartitionKey.Of(System.Text.Json.JsonSerializer.Serialize(new[] { key })));

    [Theory]
    [InlineData("[5]")]
    [InlineData("[-1.5]")]
    [InlineData("[true]")]
    [InlineData("[false]")]
    [InlineData("[null]")]
    public void Other_keys_hash_as_the_sdk_hashes_them(string json)
    {
        var key = json switch
        {
            "[5]" => new PartitionKey(5),
            "[-1.5]" => new PartitionKey(-1.5),
            "[true]" => new PartitionKey(true),
            "[false]" => new PartitionKey(false),
            _ => PartitionKey.Null,
        };
        Assert.Equal(SdkEffectivePartitionKey(key), EffectivePartitionKey.Of(json));
    }

    private static string SdkEffectivePartitionKey(PartitionKey key)
    {
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
        var definition = typeof(ContainerProperties).GetProperty("PartitionKey", flags)!.GetValue(
            new ContainerProperties("c", "/pk") { PartitionKeyDefinitionVersion = PartitionKeyDefinitionVersion.V2 })!;
        var internalKey = typeof(PartitionKey).GetProperty("InternalKey", flags)!.GetValue(key)!;
        var method = internalKey.GetType().GetMethods(flags).First(m => m.Name == "GetEffectivePartitionKeyString" && m.GetParameters().Length >= 1);
        object?[] arguments = [.. method.GetParameters().Select((p, i) => i == 0 ? definition : p.HasDefaultValue ? p.DefaultValue : true)];
        return (string)method.Invoke(internalKey, arguments)!;
    }
}
