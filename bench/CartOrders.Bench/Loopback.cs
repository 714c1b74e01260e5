using System.Net;
using System.Net.Sockets;

namespace CartOrders.Bench;

/// <summary>Everything the bench starts listens on 127.0.0.1 only; all its traffic stays on this machine.</summary>
internal static class Loopback
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
