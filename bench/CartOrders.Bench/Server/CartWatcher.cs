using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace CartOrders.Bench.Server;

/// <summary>
/// A SignalR client of the hub at <c>/api</c> (WebSockets), joined to carts through
/// <c>POST /api/carts/{id}/subscriptions</c>; it notes when each <c>cartUpdated</c> arrives.
/// </summary>
internal sealed class CartWatcher : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly Channel<(string CartId, long Version, long At)> _pushes =
        Channel.CreateBounded<(string, long, long)>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });

    private long _received;

    private CartWatcher(HubConnection connection)
    {
        _connection = connection;
        _connection.On<JsonElement>("cartUpdated", view =>
        {
            var at = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref _received);
            _pushes.Writer.TryWrite((view.GetProperty("cartId").GetString() ?? string.Empty, view.GetProperty("version").GetInt64(), at));
        });
    }

    public static async Task<CartWatcher> ConnectAsync(Uri baseAddress, BenchUser user, CancellationToken cancellationToken)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, "/api"), HttpTransportType.WebSockets, options => options.AccessTokenProvider = () => Task.FromResult<string?>(user.Token))
            .Build();
        var watcher = new CartWatcher(connection);
        try
        {
            await connection.StartAsync(cancellationToken);
            return watcher;
        }
        catch
        {
            await watcher.DisposeAsync();
            throw;
        }
    }

    /// <summary>How many cartUpdated pushes arrived.</summary>
    public long Received => Interlocked.Read(ref _received);

    public bool IsConnected => _connection.State == HubConnectionState.Connected;

    public string ConnectionId => _connection.ConnectionId ?? throw new InvalidOperationException("not connected");

    /// <summary>When (Stopwatch timestamp) the cart's push of at least this version arrived; null after the timeout.</summary>
    public async Task<long?> PushOfAsync(string cartId, long version, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(timeout);
        try
        {
            while (await _pushes.Reader.WaitToReadAsync(wait.Token))
            {
                while (_pushes.Reader.TryRead(out var push))
                {
                    if (push.CartId == cartId && push.Version >= version)
                    {
                        return push.At;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        return null;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
