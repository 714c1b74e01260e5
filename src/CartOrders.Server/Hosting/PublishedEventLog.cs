using CartOrders.Application.Integration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace CartOrders.Server.Hosting;

/// <summary>
/// With publishing off, the integration events' log lines are the only place they go, so they
/// must be out before the feed saves its checkpoint past them. The console logger writes from a
/// queue on its own thread, and a process killed at the wrong moment would lose lines it had
/// accepted; this logger writes the publisher's lines to stdout at once, through the console's own
/// formatter (so they look like every other line), and the console logger leaves that category
/// alone. Other providers (OTLP) still get it.
/// </summary>
public static class PublishedEventLog
{
    public static readonly string Category = typeof(LoggingIntegrationPublisher).FullName!;

    /// <param name="logging">The host's logging.</param>
    /// <param name="formatterName">The console formatter the host uses (<see cref="ConsoleFormatterNames"/>).</param>
    public static ILoggingBuilder AddPublishedEventLog(this ILoggingBuilder logging, string formatterName)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.AddFilter<ConsoleLoggerProvider>(Category, LogLevel.None);
        logging.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, Provider>(services =>
            new Provider(services.GetServices<ConsoleFormatter>().Single(f => f.Name == formatterName), Console.Out)));
        return logging;
    }

    private sealed class Provider(ConsoleFormatter formatter, TextWriter output) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) =>
            categoryName == Category ? new SynchronousLogger(formatter, output) : NullLogger.Instance;

        public void Dispose()
        {
        }
    }

    private sealed class SynchronousLogger(ConsoleFormatter consoleFormatter, TextWriter output) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            using var line = new StringWriter();
            consoleFormatter.Write(new LogEntry<TState>(logLevel, Category, eventId, state, exception, formatter), null, line);

            // Console.Out is synchronized and flushes each write: the line has left the process
            // (it is in the pipe or the file) when this returns.
            output.Write(line.ToString());
        }
    }
}
