using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace CartOrders.CosmosServer.Tests;

/// <summary>Requests no SDK would send: refused with a 4xx and a JSON error, never a 500, and nothing changes.</summary>
public sealed class MalformedRequestTests
{
    private static CancellationToken Ct => LocalCosmos.Ct;

    /// <summary>Sends a request signed with the account key, as the REST API reference describes.</summary>
    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string? body = null, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path);
        var date = DateTimeOffset.UtcNow.ToString("r", System.Globalization.CultureInfo.InvariantCulture);
        var segments = path.Split('/');
        var feed = segments.Length % 2 == 1;
        var payload = $"{method.Method.ToLowerInvariant()}\n{(feed ? segments[^1] : segments[^2])}\n{string.Join('/', feed ? segments[..^1] : segments)}\n{date.ToLowerInvariant()}\n\n";
        var signature = Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(Convert.FromBase64String(LocalCosmosServer.WellKnownKey), Encoding.UTF8.GetBytes(payload)));
        request.Headers.TryAddWithoutValidation("x-ms-date", date);
        request.Headers.TryAddWithoutValidation("Authorization", Uri.EscapeDataString("type=master&ver=1.0&sig=" + signature));
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(headers.Any(h => h.Name == "x-ms-documentdb-isquery") ? "application/query+json" : "application/json");
        }

        return await http.SendAsync(request, Ct);
    }

    [Fact]
    public async Task Malformed_requests_get_a_client_error_and_change_nothing()
    {
        await using var cosmos = await LocalCosmos.StartAsync();
        var container = await cosmos.ContainerAsync();
        using var http = new HttpClient { BaseAddress = cosmos.Server.Endpoint };
        var docs = $"dbs/db/colls/{container.Id}/docs";
        (string, string) pk = ("x-ms-documentdb-partitionkey", "[\"p\"]");

        HttpResponseMessage[] responses =
        [
            await SendAsync(http, HttpMethod.Post, docs, "{not json", pk),
            await SendAsync(http, HttpMethod.Post, docs, "[1,2]", pk),
            await SendAsync(http, HttpMethod.Post, docs, "{\"id\":5,\"pk\":\"p\"}", pk),
            await SendAsync(http, HttpMethod.Post, docs, "{\"id\":\"a/b\",\"pk\":\"p\"}", pk),
            await SendAsync(http, HttpMethod.Post, docs, "{\"id\":\"a\",\"pk\":\"p\"}"),
            await SendAsync(http, HttpMethod.Post, docs, "{\"id\":\"a\",\"pk\":\"p\"}", ("x-ms-documentdb-partitionkey", "not json")),
            await SendAsync(http, HttpMethod.Post, docs, "{\"id\":\"a\",\"pk\":\"p\"}", ("x-ms-documentdb-partitionkey", "[\"p\",\"q\"]")),
            await SendAsync(http, HttpMethod.Post, docs, "{\"query\":\"SELECT * FROM c WHERE\"}", ("x-ms-documentdb-isquery", "True"), pk),
            await SendAsync(http, HttpMethod.Post, docs, "{\"query\":\"SELECT * FROM c\"}", ("x-ms-documentdb-isquery", "True"), ("x-ms-continuation", "garbage"), pk),
            await SendAsync(http, HttpMethod.Post, docs, "{\"query\":42}", ("x-ms-documentdb-isquery", "True"), pk),
            await SendAsync(http, HttpMethod.Post, docs, "\u0081garbage", ("x-ms-cosmos-is-batch-request", "True"), pk),
            await SendAsync(http, HttpMethod.Get, docs, null, ("A-IM", "Incremental feed"), ("If-None-Match", "\"not-an-lsn\""), ("x-ms-documentdb-partitionkeyrangeid", "0")),
            await SendAsync(http, HttpMethod.Post, "dbs", "{\"name\":\"no id\"}"),
            await SendAsync(http, HttpMethod.Post, "dbs/db/colls", "{\"id\":\"nopk\"}"),
        ];

        Assert.All(responses, r =>
        {
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.Equal("application/json", r.Content.Headers.ContentType?.MediaType);
        });
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(http, HttpMethod.Get, "dbs/db/colls/none/docs/a", null, pk)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(http, HttpMethod.Get, "something/else")).StatusCode);
        using var anonymous = await http.GetAsync(new Uri("dbs", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var forged = new HttpRequestMessage(HttpMethod.Get, "dbs");
        forged.Headers.TryAddWithoutValidation("x-ms-date", DateTimeOffset.UtcNow.ToString("r", System.Globalization.CultureInfo.InvariantCulture));
        forged.Headers.TryAddWithoutValidation("Authorization", "type%3dmaster%26ver%3d1.0%26sig%3dnot-a-signature");
        using var refused = await http.SendAsync(forged, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        using var all = container.GetItemQueryIterator<Doc>("SELECT * FROM c");
        Assert.Empty((await all.ReadNextAsync(Ct)).Resource);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }
}
