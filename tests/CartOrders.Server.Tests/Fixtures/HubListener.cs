using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;

namespace CartOrders.Server.Tests.Fixtures;

/// <summary>A user's real-time connection to the hub at /api (the .NET SignalR client), recording every push it receives.</summary>
public sealed class HubListener : IAsyncDisposable
{
    private readonly List<JsonElement> _cartUpdates = [];
    private readonly List<JsonElement> _orderUpdates = [];

    private HubListener(HubConnection connection, ApiUser user)
    {
        Connection = connection;
        User = user;
        connection.On<JsonElement>("cartUpdated", view => Record(_cartUpdates, view));
        connection.On<JsonElement>("orderUpdated", view => Record(_orderUpdates, view));
    }

    public HubConnection Connection { get; }

    public ApiUser User { get; }

    public string ConnectionId => Connection.ConnectionId ?? throw new InvalidOperationException("Not connected.");

    public static async Task<HubListener> ConnectAsync(TestServer server, ApiUser user)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(user);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "/api"), options =>
            {
                options.Transports = HttpTransportType.LongPolling;
                options.HttpMessageHandlerFactory = _ => server.CreateHandler();
                options.AccessTokenProvider = () => Task.FromResult<string?>(user.Token);
            })
            .Build();
        var listener = new HubListener(connection, user);
        await connection.StartAsync(TestContext.Current.CancellationToken);
        return listener;
    }

    /// <summary>The cartUpdated pushes for one cart, in arrival order.</summary>
    public IReadOnlyList<JsonElement> CartUpdates(string cartId)
    {
        lock (_cartUpdates)
        {
            return [.. _cartUpdates.Where(v => v.GetProperty("cartId").GetString() == cartId)];
        }
    }

    public IReadOnlyList<JsonElement> OrderUpdates(string orderId)
    {
        lock (_orderUpdates)
        {
            return [.. _orderUpdates.Where(v => v.GetProperty("orderId").GetString() == orderId)];
        }
    }

    public Task WaitForCartVersionAsync(string cartId, long version) =>
        Eventually.TrueAsync(
            () => Task.FromResult(CartUpdates(cartId).Any(v => v.GetProperty("version").GetInt64() >= version)),
            because: $"{User.UserId} expected cartUpdated for {cartId} at version {version}");

    public Task WaitForOrderStatusAsync(string orderId, string status) =>
        Eventually.TrueAsync(
            () => Task.FromResult(OrderUpdates(orderId).Any(v => v.GetProperty("status").GetString() == status)),
            because: $"{User.UserId} expected orderUpdated for {orderId} with status {status}");

    /// <summary>Joins the cart's group through the API.</summary>
    public Task<HttpResponseMessage> SubscribeAsync(string cartId, string? connectionId = null) =>
        User.PostAsync($"/api/carts/{cartId}/subscriptions", new { connectionId = connectionId ?? ConnectionId });

    public ValueTask DisposeAsync() => Connection.DisposeAsync();

    private static void Record(List<JsonElement> into, JsonElement view)
    {
        lock (into)
        {
            into.Add(view.Clone());
        }
    }
}
