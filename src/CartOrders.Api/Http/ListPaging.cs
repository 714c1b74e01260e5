using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CartOrders.Api.Problems;
using CartOrders.Application.Ports;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace CartOrders.Api.Http;

/// <summary>
/// The paging of every list: <c>?limit=</c> (1-200, default 50) and <c>?continuation=</c>, an
/// opaque token. The token wraps the store's own continuation with the caller and the list it
/// belongs to, protected (encrypted and authenticated) by ASP.NET Core Data Protection: a token
/// that was changed, or that belongs to another caller or list, is 400 invalid-continuation and
/// reads nothing. The next page's link is in the body and in <c>Link: &lt;...&gt;; rel="next"</c>.
/// </summary>
public static class ListPaging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;
    public const string LimitParameter = "limit";
    public const string ContinuationParameter = "continuation";
    private const string Purpose = "CartOrders.ListPaging.v1";

    /// <summary>
    /// Reads the paging parameters of a list. <paramref name="list"/> names the list and what
    /// narrows it (<c>carts</c>, <c>events:cart-42</c>): a token is valid for that list only.
    /// </summary>
    public static ListRequest Read(HttpContext http, string userId, string list)
    {
        ArgumentNullException.ThrowIfNull(http);
        var query = http.Request.Query;
        var limit = DefaultLimit;
        if (query.TryGetValue(LimitParameter, out var limits))
        {
            limit = limits.Count == 1 && int.TryParse(limits[0], NumberStyles.None, CultureInfo.InvariantCulture, out var asked) && asked is >= 1 and <= MaxLimit
                ? asked
                : throw new ProblemException(
                    ApiProblem.ValidationFailed,
                    $"limit must be an integer from 1 to {MaxLimit}.",
                    new Dictionary<string, string[]> { [LimitParameter] = [$"Must be an integer from 1 to {MaxLimit}."] });
        }

        string? after = null;
        if (query.TryGetValue(ContinuationParameter, out var tokens))
        {
            after = tokens.Count == 1 && tokens[0] is { Length: > 0 and <= 8192 } token
                ? Unwrap(http, userId, list, token)
                : throw Invalid("continuation must be one token from a previous page of this list.");
        }

        return new ListRequest(new PageRequest(limit, after), limits.Count > 0 || tokens.Count > 0);
    }

    /// <summary>
    /// The answer to a list request: the items, and the next page's link in <c>Link</c>. A request
    /// that named neither limit nor continuation gets the items as a bare array (the shape lists
    /// had before paging, so existing clients keep working); one that did gets
    /// <c>{items, continuation}</c>.
    /// </summary>
    public static IResult Answer<T>(HttpContext http, string userId, string list, ListRequest request, Page<T> page)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(page);
        string? continuation = null;
        if (page.Next is { } next)
        {
            continuation = Wrap(http, userId, list, next);
            var parameters = http.Request.Query
                .Where(p => p.Key is not (LimitParameter or ContinuationParameter))
                .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)))
                .Append(new(LimitParameter, request.Page.Limit.ToString(CultureInfo.InvariantCulture)))
                .Append(new(ContinuationParameter, continuation));
            var link = QueryHelpers.AddQueryString(http.Request.PathBase + http.Request.Path, parameters);
            http.Response.Headers.Append("Link", $"<{link}>; rel=\"next\"");
        }

        return request.Enveloped
            ? TypedResults.Ok(new PagedList<T>(page.Items, continuation))
            : TypedResults.Ok(page.Items);
    }

    /// <summary>Runs a store read, turning a continuation the store cannot read into 400.</summary>
    public static async Task<Page<T>> ReadAsync<T>(Func<Task<Page<T>>> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        try
        {
            return await read();
        }
        catch (InvalidContinuationException)
        {
            throw Invalid("The continuation is not one this list can resume from.");
        }
    }

    private static string Wrap(HttpContext http, string userId, string list, string after)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new[] { userId, list, after });
        return WebEncoders.Base64UrlEncode(Protector(http).Protect(payload));
    }

    private static string Unwrap(HttpContext http, string userId, string list, string token)
    {
        string[]? fields;
        try
        {
            fields = JsonSerializer.Deserialize<string[]>(Protector(http).Unprotect(WebEncoders.Base64UrlDecode(token)));
        }
        catch (Exception error) when (error is CryptographicException or FormatException or JsonException)
        {
            throw Invalid("The continuation is not a token this server issued, or it was changed.");
        }

        return fields is [var owner, var ofList, var after]
            && string.Equals(owner, userId, StringComparison.Ordinal)
            && string.Equals(ofList, list, StringComparison.Ordinal)
            ? after
            : throw Invalid("The continuation belongs to another list or caller.");
    }

    private static IDataProtector Protector(HttpContext http) =>
        http.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);

    private static ProblemException Invalid(string detail) => new(ApiProblem.InvalidContinuation, detail);
}

/// <summary>The paging a list request asked for; <see cref="Enveloped"/> when it named limit or continuation.</summary>
public readonly record struct ListRequest(PageRequest Page, bool Enveloped);

/// <summary>A page of a list: its items, and the token of the next page (absent on the last).</summary>
public sealed record PagedList<T>(IReadOnlyList<T> Items, string? Continuation);
