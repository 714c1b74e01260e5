using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace CartOrders.Functions.Realtime;

/// <summary>
/// Configuration section <c>SignalR</c>: Azure SignalR Service in serverless mode. Exactly one of
/// <see cref="Endpoint"/> (Azure: Microsoft Entra ID through DefaultAzureCredential, which honours
/// AZURE_CLIENT_ID) and <see cref="ConnectionString"/> (a key: local runs and the emulator). With
/// neither, real-time is off: nothing is pushed, and negotiate and subscriptions answer 503.
/// </summary>
public sealed partial class SignalROptions
{
    public const string Section = "SignalR";
    public const string DefaultHub = "cartorders";

    /// <summary>The service's endpoint, e.g. <c>https://my-signalr.service.signalr.net</c>.</summary>
    public string? Endpoint { get; set; }

    /// <summary><c>Endpoint=https://...;AccessKey=...;Version=1.0;</c> (optionally <c>Port=</c>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The hub on the service; clients connect to <c>{Endpoint}/client/?hub={Hub}</c>.</summary>
    public string Hub { get; set; } = DefaultHub;

    /// <summary>How long a client's access token (from negotiate) lets it connect.</summary>
    public TimeSpan ClientTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Attempts per REST call when the service answers 408, 429 or 5xx or cannot be reached.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>Delay before the first retry; doubled for each next one (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one REST call may take.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Endpoint) || !string.IsNullOrWhiteSpace(ConnectionString);

    /// <summary>The service's rule for hub names.</summary>
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,127}$")]
    internal static partial Regex HubName();
}

/// <summary>Checks the section at start, so a wrong setting stops the app with a message that says what to change.</summary>
public sealed class SignalROptionsValidator : IValidateOptions<SignalROptions>
{
    public ValidateOptionsResult Validate(string? name, SignalROptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var hasEndpoint = !string.IsNullOrWhiteSpace(options.Endpoint);
        var hasConnectionString = !string.IsNullOrWhiteSpace(options.ConnectionString);
        if (hasEndpoint && hasConnectionString)
        {
            failures.Add("SignalR: set either Endpoint (Microsoft Entra ID) or ConnectionString (access key), not both.");
        }
        else if (hasEndpoint || hasConnectionString)
        {
            try
            {
                SignalRService.From(options);
            }
            catch (FormatException error)
            {
                failures.Add(error.Message);
            }
        }

        if (!SignalROptions.HubName().IsMatch(options.Hub ?? string.Empty))
        {
            failures.Add("SignalR:Hub must start with a letter and hold only letters, digits and '_' (at most 128).");
        }

        if (options.ClientTokenLifetime < TimeSpan.FromMinutes(1) || options.ClientTokenLifetime > TimeSpan.FromDays(1))
        {
            failures.Add("SignalR:ClientTokenLifetime must be between one minute and one day.");
        }

        if (options.MaxAttempts < 1)
        {
            failures.Add("SignalR:MaxAttempts must be at least 1.");
        }

        if (options.RetryDelay < TimeSpan.Zero || options.MaxRetryDelay < options.RetryDelay)
        {
            failures.Add("SignalR:RetryDelay must not be negative, nor greater than SignalR:MaxRetryDelay.");
        }

        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            failures.Add("SignalR:RequestTimeout must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
