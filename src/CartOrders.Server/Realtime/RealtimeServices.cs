using System.Text.Json;
using CartOrders.Api.Realtime;
using CartOrders.Application.Ports;
using CartOrders.Application.Serialization;
using Microsoft.AspNetCore.SignalR;

namespace CartOrders.Server.Realtime;

public static class RealtimeServices
{
    public const string HubPath = "/api";
    public const string AzureSignalRKey = "Azure:SignalR:ConnectionString";

    /// <summary>
    /// SignalR with the product's JSON shape. With <c>Azure:SignalR:ConnectionString</c> set, client
    /// connections go through Azure SignalR Service; the hub code stays the same.
    /// </summary>
    public static WebApplicationBuilder AddRealtime(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var signalR = builder.Services.AddSignalR()
            .AddJsonProtocol(json => json.PayloadSerializerOptions = new JsonSerializerOptions(Json.Options));
        if (!string.IsNullOrWhiteSpace(builder.Configuration[AzureSignalRKey]))
        {
            signalR.AddAzureSignalR();
        }

        builder.Services.AddSingleton<IUserIdProvider, SubjectUserIdProvider>();
        builder.Services.AddSingleton<ConnectionRegistry>();
        builder.Services.AddSingleton<CartPresence>();
        builder.Services.AddSingleton<ICartPresence>(sp => sp.GetRequiredService<CartPresence>());
        builder.Services.AddSingleton<IRealtimeNotifier, HubRealtimeNotifier>();
        builder.Services.AddSingleton<IRealtimeSubscriptions, HubCartSubscriptions>();
        return builder;
    }

    /// <summary>
    /// The hub's endpoints are <c>/api</c> and <c>/api/negotiate</c>; no REST route uses either. Presence
    /// (and leaving a cart's group) is served here, by the host that keeps the hub's connections.
    /// </summary>
    public static WebApplication MapRealtime(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHub<CartHub>(HubPath);
        app.MapPresence();
        return app;
    }
}
