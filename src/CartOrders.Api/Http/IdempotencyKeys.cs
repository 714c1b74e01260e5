using System.Security.Cryptography;
using System.Text;
using CartOrders.Api.Problems;
using Microsoft.AspNetCore.Http;

namespace CartOrders.Api.Http;

/// <summary>
/// The <c>Idempotency-Key</c> header (1-128 printable ASCII characters) and the fingerprint
/// that tells a replay of the same request (method, path, body) from a reuse of the key.
/// </summary>
public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";
    public const int MaxLength = 128;

    public static string? Parse(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var values = request.Headers[Header];
        if (values.Count == 0)
        {
            return null;
        }

        var key = values.Count == 1 ? values[0] : null;
        return key is { Length: > 0 and <= MaxLength } && key.All(c => c is >= ' ' and <= '~')
            ? key
            : throw new ProblemException(ApiProblem.IdempotencyKeyInvalid, $"Idempotency-Key must be one value of 1-{MaxLength} printable ASCII characters.");
    }

    /// <summary>Method, path and the SHA-256 of the body bytes as received.</summary>
    public static string Fingerprint(HttpRequest request, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(request);
        return $"{request.Method.ToUpperInvariant()} {request.Path.Value} sha256:{Convert.ToHexStringLower(SHA256.HashData(body))}";
    }

    /// <summary>
    /// An id derived from (purpose, user, key, scope): a replayed creation lands on the same stream,
    /// where its idempotency record is found. 32 hex characters, like a fresh id.
    /// </summary>
    public static string DerivedId(string purpose, string userId, string key, string scope = "")
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', purpose, userId, key, scope)));
        return Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    /// <summary>A fresh random id of 32 hex characters.</summary>
    public static string NewId() => Guid.NewGuid().ToString("N");
}
