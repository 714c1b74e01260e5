using System.Collections.Frozen;
using System.Reflection;
using CartOrders.Api.RateLimiting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Azure.Functions.Worker;

namespace CartOrders.Functions.Http;

/// <summary>What the pipeline does around one HTTP function: require a caller (401 without one), count it as a command (rate limit).</summary>
public sealed record HttpFunctionPolicy(bool RequiresCaller, bool IsCommand)
{
    /// <summary>For a function declared without attributes: a caller is required, no rate limit.</summary>
    public static readonly HttpFunctionPolicy Default = new(RequiresCaller: true, IsCommand: false);
}

/// <summary>
/// The policies of the HTTP functions, declared on each function with the attributes the local
/// server's endpoints carry (<see cref="AllowAnonymousAttribute"/>; <see cref="EnableRateLimitingAttribute"/>
/// with the command policy) and read once from the assembly. Anything not declared needs a caller.
/// </summary>
public sealed class HttpFunctionPolicies
{
    private readonly FrozenDictionary<string, HttpFunctionPolicy> _byFunction;

    public HttpFunctionPolicies()
        : this(typeof(HttpFunctionPolicies).Assembly)
    {
    }

    public HttpFunctionPolicies(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        _byFunction = assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(method => (Method: method, Function: method.GetCustomAttribute<FunctionAttribute>()))
            .Where(f => f.Function is not null && f.Method.GetParameters().Any(p => p.IsDefined(typeof(HttpTriggerAttribute))))
            .ToFrozenDictionary(
                f => f.Function!.Name,
                f => new HttpFunctionPolicy(
                    RequiresCaller: !f.Method.IsDefined(typeof(AllowAnonymousAttribute)),
                    IsCommand: f.Method.GetCustomAttribute<EnableRateLimitingAttribute>()?.PolicyName == CommandRateLimiting.Policy),
                StringComparer.Ordinal);
    }

    public IReadOnlyDictionary<string, HttpFunctionPolicy> All => _byFunction;

    public HttpFunctionPolicy Of(string functionName) => _byFunction.GetValueOrDefault(functionName, HttpFunctionPolicy.Default);
}
