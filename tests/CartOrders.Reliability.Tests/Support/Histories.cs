using System.Net;
using System.Text.Json.Nodes;
using CartOrders.Bench.Server;

namespace CartOrders.Reliability.Tests.Support;

/// <summary>A cart's whole history, read page by page (200 events a page) through its continuations.</summary>
internal static class Histories
{
    public static async Task<JsonArray> ReadAsync(ApiClient api, string cartId, BenchUser user, CancellationToken cancellationToken)
    {
        var all = new JsonArray();
        string? continuation = null;
        do
        {
            var path = $"/api/carts/{cartId}/events?limit=200" + (continuation is null ? string.Empty : "&continuation=" + Uri.EscapeDataString(continuation));
            var answer = await api.SendAsync(HttpMethod.Get, path, user, cancellationToken: cancellationToken);
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            var page = JsonNode.Parse(answer.Body)!;
            foreach (var item in page["items"]!.AsArray())
            {
                all.Add(item!.DeepClone());
            }

            continuation = page["continuation"]?.GetValue<string>();
        }
        while (continuation is not null);
        return all;
    }
}
