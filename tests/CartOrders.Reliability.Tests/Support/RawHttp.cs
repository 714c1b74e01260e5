using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace CartOrders.Reliability.Tests.Support;

/// <summary>An HTTP answer read off the wire.</summary>
internal sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? MediaType => Headers.TryGetValue("content-type", out var type) ? type.Split(';')[0].Trim() : null;
}

/// <summary>
/// HTTP/1.1 requests written byte by byte to 127.0.0.1, for what HttpClient will not send:
/// repeated headers, broken chunked framing, raw bytes in the request line, a body shorter than
/// its Content-Length. Each request is sent on its own connection with <c>Connection: close</c>,
/// and the answer read to the end (bounded in time).
/// </summary>
internal static class RawHttp
{
    public static async Task<RawResponse?> SendAsync(int port, byte[] request, bool halfClose, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(10));
        using var client = new TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, port, limit.Token);
        var stream = client.GetStream();
        var received = new MemoryStream();
        var reading = Task.Run(
            async () =>
            {
                var buffer = new byte[16 * 1024];
                try
                {
                    int read;
                    while ((read = await stream.ReadAsync(buffer, limit.Token)) > 0)
                    {
                        received.Write(buffer, 0, read);
                    }
                }
                catch (IOException)
                {
                    // Reset by the server after it answered.
                }
            },
            CancellationToken.None);
        try
        {
            await stream.WriteAsync(request, limit.Token);
            if (halfClose)
            {
                client.Client.Shutdown(SocketShutdown.Send);
            }
        }
        catch (IOException)
        {
            // The server answered and closed before taking the whole request.
        }

        try
        {
            await reading.WaitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Timed out: judge what arrived.
        }

        return Parse(received.ToArray());
    }

    public static byte[] Request(string head, byte[]? body = null)
    {
        var bytes = Encoding.Latin1.GetBytes(head.Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n");
        return body is null ? bytes : [.. bytes, .. body];
    }

    private static RawResponse? Parse(byte[] data)
    {
        var text = Encoding.UTF8.GetString(data);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (!text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) || end < 0)
        {
            return null;
        }

        var lines = text[..end].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        var body = text[(end + 4)..];
        if (headers.TryGetValue("transfer-encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }

        return new RawResponse(status, headers, body);
    }

    private static string Dechunk(string chunked)
    {
        var result = new StringBuilder();
        var at = 0;
        while (at < chunked.Length)
        {
            var lineEnd = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            if (lineEnd < 0 || !int.TryParse(chunked.AsSpan(at, lineEnd - at).ToString().Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size) || size == 0)
            {
                break;
            }

            // Sizes count bytes; the problem bodies are ASCII, so characters and bytes agree.
            result.Append(chunked, lineEnd + 2, Math.Min(size, chunked.Length - lineEnd - 2));
            at = lineEnd + 2 + size + 2;
        }

        return result.ToString();
    }
}
