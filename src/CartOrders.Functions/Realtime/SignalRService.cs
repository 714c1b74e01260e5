using System.Globalization;

namespace CartOrders.Functions.Realtime;

/// <summary>
/// Where the service is and how to reach its data-plane REST API: <c>{Endpoint}/api/hubs/{hub}/...</c>
/// for the app, <c>{Endpoint}/client/?hub={hub}</c> for clients. <see cref="AccessKey"/> is set only
/// when the configuration holds a connection string with a key.
/// </summary>
public sealed record SignalRService(string Endpoint, string Hub, string? AccessKey)
{
    /// <summary>The URL a client connects to, and the audience of its access token.</summary>
    public string ClientUrl => $"{Endpoint}/client/?hub={Hub}";

    /// <summary>A REST URL of the hub: <paramref name="path"/> below <c>/api/hubs/{hub}/</c>, then the query.</summary>
    public Uri RestUrl(string path, string apiVersion, string? query = null) =>
        new($"{Endpoint}/api/hubs/{Uri.EscapeDataString(Hub)}/{path}?{(string.IsNullOrEmpty(query) ? string.Empty : query + "&")}api-version={apiVersion}");

    /// <exception cref="FormatException">The endpoint or connection string cannot be used.</exception>
    public static SignalRService From(SignalROptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            var parts = Parse(options.ConnectionString);
            var endpoint = parts.GetValueOrDefault("Endpoint") ?? throw new FormatException("SignalR:ConnectionString has no Endpoint=.");
            var uri = EndpointUri(endpoint, "SignalR:ConnectionString's Endpoint");
            if (parts.TryGetValue("Port", out var port))
            {
                uri = new UriBuilder(uri)
                {
                    Port = int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is > 0 and < 65536
                        ? number
                        : throw new FormatException("SignalR:ConnectionString's Port= is not a port number."),
                }.Uri;
            }

            var key = parts.GetValueOrDefault("AccessKey");
            if (key is not null && key.Length < 32)
            {
                throw new FormatException("SignalR:ConnectionString's AccessKey= is too short to sign tokens (at least 32 characters).");
            }

            return new SignalRService(Base(uri), options.Hub, key);
        }

        return new SignalRService(Base(EndpointUri(options.Endpoint ?? string.Empty, "SignalR:Endpoint")), options.Hub, null);
    }

    private static Dictionary<string, string> Parse(string connectionString) =>
        connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2, StringSplitOptions.TrimEntries))
            .Where(pair => pair.Length == 2 && pair[1].Length > 0)
            .GroupBy(pair => pair[0], StringComparer.OrdinalIgnoreCase)
            .ToDictionary(group => group.Key, group => group.Last()[1], StringComparer.OrdinalIgnoreCase);

    private static Uri EndpointUri(string value, string what) =>
        Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            && string.IsNullOrEmpty(uri.Query)
            ? uri
            : throw new FormatException($"{what} must be an absolute http(s) URL such as https://my-signalr.service.signalr.net.");

    private static string Base(Uri uri) => uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
}
