using System.Globalization;
using System.Text;

namespace CartOrders.Bench;

/// <summary>One line of the results table. Met is null where the line has no target of its own.</summary>
internal sealed record ResultRow(string Part, string Measurement, string Result, string Target = "", bool? Met = null);

/// <summary>Collects the results of a run and writes them as one markdown table.</summary>
internal sealed class Report
{
    private readonly List<ResultRow> _rows = [];
    private readonly List<string> _notes = [];

    /// <summary>Which server build the server parts ran against, when they ran.</summary>
    public string? ServerBuild { get; set; }

    /// <summary>The machine's disk sync rate and CPU score, measured at the start of the run.</summary>
    public required Calibration Calibration { get; init; }

    public void Add(ResultRow row)
    {
        _rows.Add(row);
        Console.WriteLine($"  -> {row.Measurement}: {row.Result}{(row.Target.Length > 0 ? $" (target {row.Target}: {Verdict(row.Met)})" : string.Empty)}");
    }

    public void Note(string note)
    {
        _notes.Add(note);
        Console.WriteLine($"  note: {note}");
    }

    public string ToMarkdown(Machine machine, TimeSpan elapsed)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Run of {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, commit `{machine.Commit}`, took {elapsed.TotalMinutes:0.0} min.");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine.Describe()}.");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Calibration: {Calibration.Describe()}.");
        md.AppendLine();
        if (ServerBuild is not null)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"Server: {ServerBuild}.");
            md.AppendLine();
        }

        md.AppendLine("| part | measurement | result | target | met |");
        md.AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var r in _rows)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Part} | {r.Measurement} | {r.Result} | {r.Target} | {Verdict(r.Met)} |");
        }

        if (_notes.Count > 0)
        {
            md.AppendLine();
            foreach (var note in _notes)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
            }
        }

        return md.ToString();
    }

    private static string Verdict(bool? met) => met switch
    {
        true => "yes",
        false => "**no**",
        null => string.Empty,
    };
}

/// <summary>Number formatting shared by every part.</summary>
internal static class Format
{
    public static string Rate(double perSecond, string unit) =>
        string.Create(CultureInfo.InvariantCulture, $"{perSecond:N0} {unit}/s");

    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    public static string Ratio(double x) => string.Create(CultureInfo.InvariantCulture, $"{x:0.0}x");

    public static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):0} MB");

    public static string Seconds(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.00} s");
}
