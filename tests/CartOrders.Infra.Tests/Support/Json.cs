using System.Text.Json;
using Xunit.Sdk;

namespace CartOrders.Infra.Tests.Support;

public static class Json
{
    /// <summary>The element at a dotted property path; fails the test naming the path when absent.</summary>
    public static JsonElement At(this JsonElement element, string path)
    {
        var current = element;
        foreach (var segment in path.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(segment, out var next))
            {
                throw new XunitException($"No '{path}' (stopped at '{segment}') in:{Environment.NewLine}{element}");
            }

            current = next;
        }

        return current;
    }

    public static bool Has(this JsonElement element, string path)
    {
        var current = element;
        foreach (var segment in path.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(segment, out current))
            {
                return false;
            }
        }

        return true;
    }

    public static string Text(this JsonElement element, string path) =>
        element.At(path).GetString() ?? throw new XunitException($"'{path}' is null.");

    public static string[] Strings(this JsonElement element, string path) =>
        [.. element.At(path).EnumerateArray().Select(e => e.GetString() ?? "")];

    /// <summary>The `path` values of an indexing policy's includedPaths or excludedPaths.</summary>
    public static string[] Paths(this JsonElement element, string path) =>
        [.. element.At(path).EnumerateArray().Select(e => e.Text("path"))];

    public static IReadOnlyDictionary<string, JsonElement> Members(this JsonElement element) =>
        element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
}
