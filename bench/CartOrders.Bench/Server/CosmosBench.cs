extern alias LocalCosmos;

using System.Globalization;
using System.Net;
using LocalCosmos::CartOrders.CosmosServer;

namespace CartOrders.Bench.Server;

/// <summary>
/// What each command costs on the Cosmos store, in round trips and bytes: the server runs on
/// <c>Store:Provider=Cosmos</c> against a local Cosmos server in this process, whose request log
/// gives every request a command made to its stream's partition (operation, bytes in and out).
/// Commands go one at a time; a cold stream is one another server instance has not seen yet.
/// </summary>
internal static class CosmosBench
{
    private const string Part = "cosmos";
    private const string Espresso = "espresso-beans-250g";
    private const string Filter = "filter-coffee-250g";

    public static async Task RunAsync(BenchOptions options, Report report, CancellationToken cancellationToken)
    {
        var samples = options.Quick ? 5 : 20;
        await using var cosmos = await LocalCosmosServer.StartAsync(cancellationToken: cancellationToken);
        using var shared = new TempFolder("cartorders-bench-cosmos-");
        var launch = new ServerLaunch
        {
            // Both instances sign tokens with the same key, so one user's token serves on either.
            DataFolder = shared.Path,
            Settings = new Dictionary<string, string>
            {
                ["Store__Provider"] = "Cosmos",
                ["Cosmos__ConnectionString"] = cosmos.ConnectionString,
                ["Cosmos__FeedPollInterval"] = "00:00:00.100",
            },
        };
        using var first = await ServerProcess.StartAsync(options.ServerDll, cancellationToken, launch);
        using var second = await ServerProcess.StartAsync(options.ServerDll, cancellationToken, launch);
        using var api = new ApiClient(first.BaseAddress, 4);
        using var other = new ApiClient(second.BaseAddress, 4);
        // Before each measurement both instances' projectors have caught up, so that no projection of
        // an earlier command reads the stream while the next one is counted.
        var meter = new RequestMeter(cosmos, async () =>
        {
            await HttpBench.CaughtUpAsync(api, cancellationToken);
            await HttpBench.CaughtUpAsync(other, cancellationToken);
        });
        var user = new BenchUser("bench-cosmos", await api.TokenAsync("bench-cosmos", cancellationToken), []);

        var created = new Tally("create a cart (new stream)");
        var warm = new Tally("add item, warm stream");
        var idempotent = new Tally("add item with Idempotency-Key, warm stream");
        var quantity = new Tally("change quantity, warm stream");
        var cold = new Tally("add item, cold stream (another instance)");
        var read = new Tally("GET one cart (another instance)");
        var checkout = new Tally("check out, warm stream");
        for (var i = 0; i < samples; i++)
        {
            var create = await meter.CommandAsync(created, null, () => Send(api, HttpMethod.Post, "/api/carts", user, "{}", cancellationToken: cancellationToken));
            using var body = System.Text.Json.JsonDocument.Parse(create.Body);
            var cartId = body.RootElement.GetProperty("cartId").GetString()!;
            var stream = "cart-" + cartId;
            await meter.CommandAsync(warm, stream, () => Send(api, HttpMethod.Post, $"/api/carts/{cartId}/items", user, $$"""{"productId":"{{Espresso}}","quantity":1}""", cancellationToken: cancellationToken));
            await meter.CommandAsync(idempotent, stream, () => Send(api, HttpMethod.Post, $"/api/carts/{cartId}/items", user, $$"""{"productId":"{{Filter}}","quantity":1}""", $"bench-{i}", cancellationToken));
            await meter.CommandAsync(quantity, stream, () => Send(api, HttpMethod.Put, $"/api/carts/{cartId}/items/{Filter}", user, """{"quantity":3}""", cancellationToken: cancellationToken));
            await meter.ReadAsync(read, stream, () => Send(other, HttpMethod.Get, $"/api/carts/{cartId}", user, cancellationToken: cancellationToken));
            // Cold: a cart the other instance has not seen, commanded there right after its creation
            // (before that instance's projector has read it, which a wait would let it do).
            await meter.SettleAsync();
            var coldCart = await api.CreateCartAsync(user, cancellationToken);
            await meter.CommandAsync(cold, "cart-" + coldCart, settled: true, () => Send(other, HttpMethod.Post, $"/api/carts/{coldCart}/items", user, $$"""{"productId":"{{Espresso}}","quantity":1}""", cancellationToken: cancellationToken));
            await meter.CommandAsync(checkout, stream, () => Send(api, HttpMethod.Post, $"/api/carts/{cartId}/checkout", user, """{"shippingAddress":{"name":"Bench","line1":"1 Main Street","city":"Lyon","postalCode":"69001","country":"FR"}}""", cancellationToken: cancellationToken));
        }

        foreach (var tally in new[] { created, warm, idempotent, quantity, cold, read, checkout })
        {
            report.Add(tally.Row(samples));
        }

        report.Note($"Cosmos costs: {samples} of each command, one at a time, against the local Cosmos server; round trips and bytes (request and response bodies) to the stream's partition of the events container, from the command's first request to its batch. The feed pumps' reads, the views and the leases are not counted.");
    }

    private static async Task<ApiAnswer> Send(ApiClient api, HttpMethod method, string path, BenchUser user, string? json = null, string? key = null, CancellationToken cancellationToken = default)
    {
        var answer = await api.SendAsync(method, path, user, json, key, cancellationToken);
        return answer.IsSuccess ? answer : throw new InvalidOperationException($"{method} {path} answered {(int)answer.Status}: {answer.Body}");
    }

    /// <summary>Round trips and bytes per command of one type, summed over its samples.</summary>
    private sealed class Tally(string name)
    {
        private readonly Dictionary<string, int> _operations = [];
        private long _trips;
        private long _bytesIn;
        private long _bytesOut;

        public void Add(List<CosmosRequestRecord> requests)
        {
            _trips += requests.Count;
            foreach (var r in requests)
            {
                _operations[r.Request.Operation] = _operations.GetValueOrDefault(r.Request.Operation) + 1;
                _bytesIn += r.BytesIn;
                _bytesOut += r.BytesOut;
            }
        }

        public ResultRow Row(int samples)
        {
            var per = (double)samples;
            var operations = string.Join(" + ", _operations.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Value / per:0.#} {o.Key}")));
            return new ResultRow(Part, name, string.Create(
                CultureInfo.InvariantCulture,
                $"{_trips / per:0.#} round trips ({operations}); {_bytesIn / per / 1024:0.0} KB sent, {_bytesOut / per / 1024:0.0} KB received"));
        }
    }

    /// <summary>Reads the local Cosmos server's request log around one command.</summary>
    private sealed class RequestMeter(LocalCosmosServer cosmos, Func<Task> settle)
    {
        /// <summary>
        /// A command: its requests to the stream's partition up to and including its batch. The stream
        /// of a new cart is known from the answer (its <c>Location</c> names the cart).
        /// </summary>
        public Task SettleAsync() => settle();

        public Task<ApiAnswer> CommandAsync(Tally tally, string? stream, Func<Task<ApiAnswer>> command) =>
            CommandAsync(tally, stream, settled: false, command);

        public async Task<ApiAnswer> CommandAsync(Tally tally, string? stream, bool settled, Func<Task<ApiAnswer>> command)
        {
            if (!settled)
            {
                await settle();
            }

            var before = cosmos.Requests.Count;
            var answer = await command();
            if (stream is null)
            {
                using var body = System.Text.Json.JsonDocument.Parse(answer.Body);
                stream = "cart-" + body.RootElement.GetProperty("cartId").GetString();
            }

            // The local server logs a request once its answer is written, so the batch may land just after the answer.
            var made = await WaitAsync(before, stream, r => r.Any(x => x.Request.Operation == "Batch"));
            tally.Add([.. made.Take(made.FindIndex(r => r.Request.Operation == "Batch") + 1)]);
            return answer;
        }

        /// <summary>A read: its requests to the stream's partition, once the first is logged and a moment has passed.</summary>
        public async Task ReadAsync(Tally tally, string stream, Func<Task<ApiAnswer>> read)
        {
            await settle();
            var before = cosmos.Requests.Count;
            await read();
            await WaitAsync(before, stream, r => r.Count > 0);
            await Task.Delay(50);
            tally.Add(Of(before, stream));
        }

        private async Task<List<CosmosRequestRecord>> WaitAsync(int before, string stream, Func<List<CosmosRequestRecord>, bool> done)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (true)
            {
                var made = Of(before, stream);
                if (done(made))
                {
                    return made;
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"the local Cosmos server logged no request for {stream}");
                }

                await Task.Delay(5);
            }
        }

        private List<CosmosRequestRecord> Of(int before, string stream) =>
            [.. cosmos.Requests.Skip(before).Where(r => r.Request.Container == "events" && r.Request.PartitionKey == $"[\"{stream}\"]" && r.StatusCode != (int)HttpStatusCode.NotModified)];
    }
}
