using System.Globalization;
using System.Text.Json;

namespace CartOrders.Infra.Tests.Support;

/// <summary>One resource of a compiled template; <see cref="Deployment"/> is the module path.</summary>
public sealed record ArmResource(string Deployment, string SymbolicName, JsonElement Json)
{
    public string Type => Json.Text("type");

    public JsonElement Properties => Json.At("properties");

    public override string ToString() => $"{Deployment}:{SymbolicName} ({Type})";
}

/// <summary>
/// The ARM JSON that `bicep build` writes. Modules compile into Microsoft.Resources/deployments
/// resources carrying their own template; <see cref="Resources"/> flattens all of them.
/// Templates may use the classic array of resources or the symbolic-name object (languageVersion 2.0).
/// </summary>
public sealed class ArmTemplate
{
    private ArmTemplate(string text, JsonElement root)
    {
        Text = text;
        Root = root;
        Resources = [.. Walk(root, "main")];
    }

    public string Text { get; }

    public JsonElement Root { get; }

    public IReadOnlyList<ArmResource> Resources { get; }

    public static ArmTemplate Parse(string text)
    {
        using var document = JsonDocument.Parse(text);
        return new ArmTemplate(text, document.RootElement.Clone());
    }

    public IReadOnlyList<ArmResource> OfType(string type) =>
        [.. Resources.Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase))];

    public ArmResource One(string type)
    {
        var matches = OfType(type);
        Assert.True(matches.Count == 1, $"Expected one {type}, found {matches.Count}.");
        return matches[0];
    }

    private static IEnumerable<ArmResource> Walk(JsonElement template, string path)
    {
        var resources = template.At("resources");
        var items = resources.ValueKind == JsonValueKind.Object
            ? resources.EnumerateObject().Select(p => (p.Name, p.Value))
            : resources.EnumerateArray().Select((r, i) => (i.ToString(CultureInfo.InvariantCulture), r));

        foreach (var (name, resource) in items)
        {
            if (resource.TryGetProperty("existing", out var existing) && existing.GetBoolean())
            {
                continue;
            }

            yield return new ArmResource(path, name, resource);

            if (resource.Text("type") == "Microsoft.Resources/deployments"
                && resource.At("properties").TryGetProperty("template", out var nested))
            {
                foreach (var inner in Walk(nested, $"{path}/{resource.Text("name")}"))
                {
                    yield return inner;
                }
            }
        }
    }
}
