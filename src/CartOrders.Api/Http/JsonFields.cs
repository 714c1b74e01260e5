using System.Text.Json;
using CartOrders.Api.Problems;
using CartOrders.Domain;

namespace CartOrders.Api.Http;

/// <summary>
/// Reads the fields of a JSON object, collecting every problem (missing, wrong JSON type, out of
/// bounds) under the field's path, so that one 400 validation-failed lists them all. Names match
/// case-insensitively, unknown fields are ignored. Each reader returns null when its field is bad.
/// </summary>
public sealed class JsonFields
{
    private readonly JsonElement _object;
    private readonly string _prefix;
    private readonly Dictionary<string, List<string>> _errors;

    private JsonFields(JsonElement @object, string prefix, Dictionary<string, List<string>> errors)
    {
        _object = @object;
        _prefix = prefix;
        _errors = errors;
    }

    /// <summary>The fields of a body; an absent body reads as an object without fields.</summary>
    public static JsonFields Of(JsonElement? body) =>
        new(body ?? default, string.Empty, new Dictionary<string, List<string>>(StringComparer.Ordinal));

    public bool IsValid => _errors.Count == 0;

    /// <summary>A required string, trimmed, of minLength..maxLength characters.</summary>
    public string? Text(string name, int maxLength, int minLength = 1)
    {
        if (Field(name, JsonValueKind.String, "a string") is not { } element)
        {
            return null;
        }

        var value = element.GetString()!.Trim();
        if (value.Length < minLength || value.Length > maxLength)
        {
            return Fail<string>(name, minLength == maxLength
                ? $"Must be {maxLength} characters."
                : $"Must be {minLength}-{maxLength} characters.");
        }

        return value.Any(char.IsControl) ? Fail<string>(name, "Must not contain control characters.") : value;
    }

    /// <summary>A required string, trimmed, that must pass <paramref name="isValid"/>; <paramref name="rule"/> says what it must be.</summary>
    public string? Text(string name, Func<string, bool> isValid, string rule)
    {
        ArgumentNullException.ThrowIfNull(isValid);
        if (Field(name, JsonValueKind.String, "a string") is not { } element)
        {
            return null;
        }

        var value = element.GetString()!.Trim();
        return isValid(value) ? value : Fail<string>(name, rule);
    }

    /// <summary>Whether the field is there with a value other than JSON null (for optional fields).</summary>
    public bool Has(string name) => TryGet(name, out var element) && element.ValueKind != JsonValueKind.Null;

    /// <summary>A required id: 1-64 chars of [A-Za-z0-9_-].</summary>
    public string? Id(string name)
    {
        if (Field(name, JsonValueKind.String, "a string") is not { } element)
        {
            return null;
        }

        var value = element.GetString();
        return IdRules.IsValid(value) ? value : Fail<string>(name, $"Must be 1-{IdRules.MaxLength} characters of A-Z, a-z, 0-9, '_' or '-'.");
    }

    /// <summary>
    /// A required integer, read from the number's text (never through a float): an integer outside
    /// the range of int, however large (400 digits, <c>1e309</c>), is clamped to it so the rules
    /// refuse it with their own code; a fraction or a non-number is a field error. An integer
    /// written with a zero fraction or an exponent (<c>1.0</c>, <c>2e1</c>) is that integer.
    /// </summary>
    public int? WholeNumber(string name)
    {
        if (Field(name, JsonValueKind.Number, "an integer") is not { } element)
        {
            return null;
        }

        if (element.TryGetInt32(out var whole))
        {
            return whole;
        }

        return JsonIntegers.TryClamp(element.GetRawText(), out var clamped) ? clamped : Fail<int?>(name, "Must be an integer.");
    }

    public bool? Flag(string name)
    {
        if (!TryGet(name, out var element))
        {
            return Fail<bool?>(name, "Required.");
        }

        return element.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => Fail<bool?>(name, "Must be true or false."),
        };
    }

    /// <summary>An optional array of strings; empty when absent or null.</summary>
    public IReadOnlyList<string>? OptionalTexts(string name)
    {
        if (!TryGet(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (element.ValueKind != JsonValueKind.Array || element.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            return Fail<IReadOnlyList<string>>(name, "Must be an array of strings.");
        }

        return [.. element.EnumerateArray().Select(e => e.GetString()!)];
    }

    /// <summary>A required nested object, whose fields report under "name.field".</summary>
    public JsonFields? Nested(string name) =>
        Field(name, JsonValueKind.Object, "an object") is { } element ? new JsonFields(element, Path(name) + ".", _errors) : null;

    /// <summary>Records a problem of a field that passed the type checks but breaks a rule of the request.</summary>
    public T? Fail<T>(string name, string message)
    {
        var path = Path(name);
        if (!_errors.TryGetValue(path, out var messages))
        {
            _errors[path] = messages = [];
        }

        messages.Add(message);
        return default;
    }

    /// <summary>Ends the request with 400 validation-failed when any field was bad.</summary>
    public void ThrowIfInvalid()
    {
        if (_errors.Count > 0)
        {
            throw new ProblemException(
                ApiProblem.ValidationFailed,
                "One or more fields are not valid: " + string.Join(", ", _errors.Keys) + ".",
                _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
        }
    }

    private JsonElement? Field(string name, JsonValueKind kind, string what)
    {
        if (!TryGet(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return Fail<JsonElement?>(name, "Required.");
        }

        return element.ValueKind == kind ? element : Fail<JsonElement?>(name, $"Must be {what}.");
    }

    private bool TryGet(string name, out JsonElement element)
    {
        element = default;
        if (_object.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        if (_object.TryGetProperty(name, out element))
        {
            return true;
        }

        foreach (var property in _object.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                element = property.Value;
                return true;
            }
        }

        return false;
    }

    private string Path(string name) => _prefix + name;
}
