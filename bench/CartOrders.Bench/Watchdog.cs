using System.Diagnostics;
using System.Globalization;

namespace CartOrders.Bench;

/// <summary>
/// A last line of cleanup for what the bench starts outside itself: a detached shell that waits
/// for the bench's process to end and then runs a cleanup command. An orderly run disposes the
/// watchdog first (its owner cleans up itself); only a bench that was killed outright (SIGKILL,
/// an out-of-memory kill) leaves the cleanup to it, so no server or database outlives a run.
/// </summary>
internal sealed class Watchdog : IDisposable
{
    private readonly Process? _shell;

    private Watchdog(Process? shell) => _shell = shell;

    /// <param name="cleanup">a POSIX shell command, idempotent; it runs as this user.</param>
    public static Watchdog Guard(string cleanup)
    {
        var script = string.Create(
            CultureInfo.InvariantCulture,
            $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; {cleanup}");
        try
        {
            var info = new ProcessStartInfo("setsid", ["sh", "-c", script])
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            return new Watchdog(Process.Start(info));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No setsid: the orderly cleanup still runs.
            return new Watchdog(null);
        }
    }

    public void Dispose()
    {
        if (_shell is null)
        {
            return;
        }

        try
        {
            if (!_shell.HasExited)
            {
                _shell.Kill();
            }
        }
        catch (InvalidOperationException)
        {
        }

        _shell.Dispose();
    }
}
