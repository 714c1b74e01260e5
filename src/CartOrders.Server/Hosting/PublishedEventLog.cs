using System.Globalization;
using System.Text;
using System.Text.Json;
using CartOrders.Application.Integration;
using Microsoft.Extensions.Logging.Console;

namespace CartOrders.Server.Hosting;

/// <summary>
/// With publishing off, the integration events' log lines are the only place they go, so they
/// must be out before the feed saves its checkpoint past them. The console logger writes from a
/// queue on its own thread, and a process killed at the wrong moment would lose lines it had
/// accepted; this logger writes the publisher's lines to stdout at once, in the console's format
/// (one JSON object per line, as the JSON console writes it, or one line of text in Development),
/// and the console logger leaves that category alone. Other providers (OTLP) still get it.
/// </summary>
public static class PublishedEventLog
{
    public static readonly string Category = typeof(LoggingIntegrationPublisher).FullName!;

    public static ILoggingBuilder AddPublishedEventLog(this ILoggingBuilder logging, bool json)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.AddFilter<ConsoleLoggerProvider>(Category, LogLevel.None);
        logging.AddProvider(new Provider(json, Console.Out));
        return logging;
    }

    private sealed class Provider(bool json, TextWriter output) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) =>
            categoryName == Category ? new SynchronousLogger(categoryName, json, output) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public void Dispose()
        {
        }
    }

    private sealed class SynchronousLogger(string category, bool json, TextWriter output) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            var message = formatter(state, exception);
            var line = json ? Json(logLevel, eventId, state, message) : Text(logLevel, message);

            // Console.Out is synchronized and flushes each write: the line has left the process
            // (it is in the pipe or the file) when this returns.
            output.WriteLine(line);
        }

        private static string Text(LogLevel level, string message) =>
            string.Create(CultureInfo.InvariantCulture, $"{DateTime.Now:HH:mm:ss} {Short(level)}: {Category}[0] {message}");

        private string Json<TState>(LogLevel level, EventId eventId, TState state, string message)
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("Timestamp", DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
                writer.WriteNumber("EventId", eventId.Id);
                writer.WriteString("LogLevel", level.ToString());
                writer.WriteString("Category", category);
                writer.WriteString("Message", message);
                writer.WriteStartObject("State");
                if (state is IEnumerable<KeyValuePair<string, object?>> values)
                {
                    foreach (var (key, value) in values)
                    {
                        writer.WriteString(key, Convert.ToString(value, CultureInfo.InvariantCulture));
                    }
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        }

        private static string Short(LogLevel level) => level switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        };
    }
}
