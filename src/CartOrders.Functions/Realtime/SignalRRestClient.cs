using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CartOrders.Application.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CartOrders.Functions.Realtime;

/// <summary>
/// The few calls of the service's data-plane REST API the app needs (API version 2022-06-01; the
/// client token call only exists from 2023-07-01). Each call carries a bearer token for its URL and
/// is retried on 408, 429, 5xx and network failures, with exponential backoff and jitter (or the
/// service's Retry-After), up to <see cref="SignalROptions.MaxAttempts"/>. Any other failure throws
/// <see cref="HttpRequestException"/> with the status.
/// </summary>
public sealed partial class SignalRRestClient(
    IHttpClientFactory clients,
    SignalRService service,
    SignalRAccess access,
    IOptions<SignalROptions> options,
    TimeProvider clock,
    ILogger<SignalRRestClient> logger)
{
    public const string HttpClientName = "cartorders-signalr";
    public const string ApiVersion = "2022-06-01";
    public const string GenerateTokenApiVersion = "2023-07-01";

    /// <summary>Sends a message (target and arguments, the product's JSON) to every connection in the group.</summary>
    public Task SendToGroupAsync(string group, string target, object argument, CancellationToken cancellationToken = default) =>
        SendMessageAsync($"groups/{Escape(group)}/:send", target, argument, cancellationToken);

    /// <summary>Sends a message to every connection of the user.</summary>
    public Task SendToUserAsync(string userId, string target, object argument, CancellationToken cancellationToken = default) =>
        SendMessageAsync($"users/{Escape(userId)}/:send", target, argument, cancellationToken);

    /// <summary>Whether a connection with this id is open on the hub.</summary>
    public async Task<bool> ConnectionExistsAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Head, service.RestUrl($"connections/{Escape(connectionId)}", ApiVersion), body: null, cancellationToken);
        return response.StatusCode switch
        {
            HttpStatusCode.OK => true,
            HttpStatusCode.NotFound => false,
            _ => throw Failure(response, "HEAD connection"),
        };
    }

    /// <summary>Whether the user is in the group (added and not removed since), whatever connections the user has open.</summary>
    public async Task<bool> UserInGroupAsync(string userId, string group, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Head, service.RestUrl($"users/{Escape(userId)}/groups/{Escape(group)}", ApiVersion), body: null, cancellationToken);
        return response.StatusCode switch
        {
            HttpStatusCode.OK => true,
            HttpStatusCode.NotFound => false,
            _ => throw Failure(response, "HEAD user group"),
        };
    }

    /// <summary>Adds the user to the group: every connection of the user, now and later, receives the group's messages.</summary>
    public async Task AddUserToGroupAsync(string userId, string group, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Put, service.RestUrl($"users/{Escape(userId)}/groups/{Escape(group)}", ApiVersion), body: null, cancellationToken);
        EnsureSuccess(response, "PUT user group");
    }

    /// <summary>Takes the user (all of the user's connections) out of the group.</summary>
    public async Task RemoveUserFromGroupAsync(string userId, string group, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Delete, service.RestUrl($"users/{Escape(userId)}/groups/{Escape(group)}", ApiVersion), body: null, cancellationToken);
        EnsureSuccess(response, "DELETE user group");
    }

    /// <summary>A client access token for the user, issued by the service (when the app holds no key to sign one).</summary>
    public async Task<string> GenerateClientTokenAsync(string userId, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        var minutes = Math.Max(1, (int)Math.Ceiling(lifetime.TotalMinutes)).ToString(CultureInfo.InvariantCulture);
        var url = service.RestUrl(":generateToken", GenerateTokenApiVersion, $"userId={Escape(userId)}&minutesToExpire={minutes}");
        using var response = await SendAsync(HttpMethod.Post, url, body: null, cancellationToken);
        EnsureSuccess(response, "POST generateToken");
        await using var content = await response.Content.ReadAsStreamAsync(cancellationToken);
        var answer = await JsonSerializer.DeserializeAsync<ClientTokenResponse>(content, Json.Options, cancellationToken);
        return answer?.Token is { Length: > 0 } token
            ? token
            : throw new HttpRequestException("The SignalR service's generateToken answer holds no token.");
    }

    private async Task SendMessageAsync(string path, string target, object argument, CancellationToken cancellationToken)
    {
        var body = Json.Serialize(new PayloadMessage(target, [argument]));
        using var response = await SendAsync(HttpMethod.Post, service.RestUrl(path, ApiVersion), body, cancellationToken);
        EnsureSuccess(response, "POST send");
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, byte[]? body, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var http = clients.CreateClient(HttpClientName);
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, url);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await access.BearerForAsync(url, cancellationToken));
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            }

            TimeSpan? retryAfter = null;
            string failure;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(settings.RequestTimeout);
                try
                {
                    var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
                    if (!IsTransient(response.StatusCode) || attempt >= settings.MaxAttempts)
                    {
                        return response;
                    }

                    retryAfter = response.Headers.RetryAfter?.Delta;
                    failure = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
                    response.Dispose();
                }
                catch (HttpRequestException error) when (attempt < settings.MaxAttempts)
                {
                    failure = error.Message;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && attempt < settings.MaxAttempts)
                {
                    failure = "timed out";
                }
            }

            var delay = Backoff(settings, attempt, retryAfter);
            LogRetry(logger, method.Method, url.AbsolutePath, attempt, failure, delay);
            await Task.Delay(delay, clock, cancellationToken);
        }
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static TimeSpan Backoff(SignalROptions settings, int attempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } asked && asked > TimeSpan.Zero)
        {
            return asked < settings.MaxRetryDelay ? asked : settings.MaxRetryDelay;
        }

        var exponential = settings.RetryDelay.TotalMilliseconds * Math.Pow(2, attempt - 1) * (0.8 + (0.4 * Random.Shared.NextDouble()));
        return TimeSpan.FromMilliseconds(Math.Min(exponential, settings.MaxRetryDelay.TotalMilliseconds));
    }

    private static void EnsureSuccess(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw Failure(response, what);
        }
    }

    private static HttpRequestException Failure(HttpResponseMessage response, string what) =>
        new($"The SignalR service answered {what} with {(int)response.StatusCode} {response.ReasonPhrase}.", inner: null, response.StatusCode);

    private static string Escape(string value) => Uri.EscapeDataString(value);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SignalR REST {Method} {Path} failed on attempt {Attempt} ({Failure}); retrying in {Delay}")]
    private static partial void LogRetry(ILogger logger, string method, string path, int attempt, string failure, TimeSpan delay);

    /// <summary>The REST API's message body: the hub method clients listen on, and its arguments.</summary>
    private sealed record PayloadMessage(string Target, IReadOnlyList<object> Arguments);

    private sealed record ClientTokenResponse(string? Token);
}
