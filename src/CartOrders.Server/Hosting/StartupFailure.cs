using Microsoft.Extensions.Options;

namespace CartOrders.Server.Hosting;

/// <summary>
/// A start-up refused for its configuration (an option out of range, a setting of the wrong type,
/// an unknown store, development tokens where real identities are expected) ends the process
/// with one line on stderr naming what to change, and exit code 1: no stack trace, no half-started
/// host. Anything else is a fault and keeps its full report.
/// </summary>
public static class StartupFailure
{
    public const int ExitCode = 1;

    /// <summary>Runs the options checks the host would run at start, before it logs anything.</summary>
    public static WebApplication ValidateConfiguration(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Services.GetService<IStartupValidator>()?.Validate();
        return app;
    }

    public static bool IsConfiguration(Exception error) => error is OptionsValidationException or InvalidOperationException;

    public static int Report(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var reason = error is OptionsValidationException options ? string.Join(" ", options.Failures) : error.Message;
        Console.Error.WriteLine("CartOrders.Server cannot start: " + reason.ReplaceLineEndings(" "));
        return ExitCode;
    }
}
