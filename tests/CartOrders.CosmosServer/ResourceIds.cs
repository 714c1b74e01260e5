namespace CartOrders.CosmosServer;

/// <summary>
/// Resource ids as the service makes them and the SDK parses them: a database is 4 bytes, a
/// container 8 (its database's 4 first), a document or partition key range 16 (its container's 8
/// first), written in base64 with '/' replaced by '-'. A container's own 4 bytes are a big-endian
/// number with the high bit set (the SDK reads a clear one as a user, not a container); the high
/// nibble of a document's last byte is 0 (the document type), a partition key range's 5.
/// </summary>
internal static class ResourceIds
{
    public static byte[] Database(uint sequence) => BitConverter.GetBytes(0x00100000u + sequence);

    public static byte[] Container(byte[] database, uint sequence)
    {
        var own = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(own, 0x80000000u | (0x00200000u + sequence));
        return [.. database, .. own];
    }

    public static byte[] Document(byte[] container, ulong sequence) => [.. container, .. BitConverter.GetBytes(sequence & 0x00FFFFFFFFFFFFFFul)];

    public static byte[] PartitionKeyRange(byte[] container, ulong sequence) =>
        [.. container, .. BitConverter.GetBytes((sequence & 0x00FFFFFFFFFFFFFFul) | 0x5000000000000000ul)];

    /// <summary>The sequence number of a document's resource id; null if it is not one.</summary>
    public static ulong? DocumentSequence(string rid)
    {
        try
        {
            var bytes = Convert.FromBase64String(rid.Replace('-', '/'));
            return bytes.Length == 16 ? BitConverter.ToUInt64(bytes, 8) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static string Text(byte[] rid) => Convert.ToBase64String(rid).Replace('/', '-');
}
