using System.Security.Cryptography;
using System.Text;

namespace CartOrders.CosmosServer;

/// <summary>
/// Checks the master-key signature every request carries, as the service does: <c>type=master&amp;ver=1.0&amp;sig=</c>
/// the base64 HMAC-SHA256, with the account key, of "verb\nresource type\nresource link\nx-ms-date\n\n"
/// (verb, type and date lower-cased). The resource link is the request's path up to the resource
/// (its parent for a feed): as written for a name-based path, the lower-cased resource id for a
/// resource-id path. Resource tokens and Entra ID tokens are refused.
/// </summary>
internal sealed class MasterKeySignatures(string accountKey)
{
    private readonly byte[] _key = Convert.FromBase64String(accountKey);

    public bool IsSigned(HttpRequest request, string[] segments)
    {
        var token = Uri.UnescapeDataString(request.Headers.Authorization.ToString());
        string? type = null, signature = null;
        foreach (var part in token.Split('&'))
        {
            var at = part.IndexOf('=', StringComparison.Ordinal);
            if (at > 0)
            {
                switch (part[..at])
                {
                    case "type":
                        type = part[(at + 1)..];
                        break;
                    case "sig":
                        signature = part[(at + 1)..];
                        break;
                }
            }
        }

        var date = request.Headers["x-ms-date"].ToString();
        if (type != "master" || signature is null || date.Length == 0)
        {
            return false;
        }

        var feed = segments.Length % 2 == 1;
        var resourceType = segments.Length == 0 ? string.Empty : feed ? segments[^1] : segments[^2];
        var link = feed ? segments[..^1] : segments;
        string[] candidates = link.Length == 0
            ? [string.Empty]
            : [string.Join('/', link), link[^1].ToLowerInvariant()];
        return candidates.Any(resource => Matches(Sign(request.Method, resourceType, resource, date), signature));
    }

    public string Sign(string verb, string resourceType, string resourceLink, string date)
    {
        var payload = $"{verb.ToLowerInvariant()}\n{resourceType.ToLowerInvariant()}\n{resourceLink}\n{date.ToLowerInvariant()}\n\n";
        return Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(payload)));
    }

    private static bool Matches(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));
}
