using System.Text.Json;

namespace CartOrders.Infra.Tests.Support;

/// <summary>
/// What `bicep snapshot` predicts a deployment of main.bicep creates for given parameters:
/// every resource of every module with expressions evaluated, except values only Azure knows
/// at deploy time, which stay as reference() expressions naming the resource they come from.
/// </summary>
public sealed class DeploymentSnapshot
{
    private DeploymentSnapshot(JsonElement root)
    {
        Resources = [.. root.At("predictedResources").EnumerateArray()];
        Outputs = root.At("outputs");
        Diagnostics = [.. root.At("diagnostics").EnumerateArray().Select(d => d.ToString())];
    }

    public IReadOnlyList<JsonElement> Resources { get; }

    public JsonElement Outputs { get; }

    public IReadOnlyList<string> Diagnostics { get; }

    public static DeploymentSnapshot Parse(string text)
    {
        using var document = JsonDocument.Parse(text);
        return new DeploymentSnapshot(document.RootElement.Clone());
    }

    public IReadOnlyList<JsonElement> OfType(string type) =>
        [.. Resources.Where(r => string.Equals(r.Text("type"), type, StringComparison.OrdinalIgnoreCase))];

    public JsonElement One(string type)
    {
        var matches = OfType(type);
        Assert.True(matches.Count == 1, $"Expected one {type}, found {matches.Count}.");
        return matches[0];
    }

    /// <summary>The resource id of the one resource of this type.</summary>
    public string IdOf(string type) => One(type).Text("id");

    /// <summary>How a template refers to a runtime property of the one resource of this type.</summary>
    public string ReferenceTo(string type, string property)
    {
        var resource = One(type);
        return $"reference('{resource.Text("id")}', '{resource.Text("apiVersion")}').{property}";
    }
}
