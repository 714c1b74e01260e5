using System.Text;
using System.Text.Json;
using CartOrders.Api.Auth;
using CartOrders.Functions.Http;
using CartOrders.Testing.Cosmos;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CartOrders.Functions.Tests.Support;

/// <summary>The store a function app under test runs on.</summary>
public enum TestStore
{
    /// <summary>The embedded store in the app's temp folder.</summary>
    Sqlite,

    /// <summary>The Cosmos store on a local Cosmos server (or the endpoint COSMOS_CONNECTION_STRING names), in a database of its own.</summary>
    Cosmos,
}

/// <summary>
/// The function app's container, built as Program builds it (<see cref="FunctionsServices.AddCartOrdersFunctions"/>)
/// on the embedded store in a fresh temp folder (or on the Cosmos store, <see cref="StartAsync"/>), with the test tenant's signing key in place of
/// Entra ID's metadata. HTTP functions are called directly with real requests, inside the same
/// <see cref="ApiPipeline"/> the worker middleware runs them in.
/// </summary>
public sealed class FunctionsApp : IAsyncDisposable
{
    private readonly DirectoryInfo _folder;
    private CosmosEndpoint? _cosmos;

    private FunctionsApp(DirectoryInfo folder, ServiceProvider services, TestTokens tokens)
    {
        _folder = folder;
        Services = services;
        Tokens = tokens;
    }

    public ServiceProvider Services { get; }

    public TestTokens Tokens { get; }

    public static FunctionsApp Start(IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var folder = Directory.CreateTempSubdirectory("cartorders-functions-");
        var tokens = new TestTokens();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Store:Provider"] = "Sqlite",
                ["Sqlite:Path"] = Path.Combine(folder.FullName, "cartorders.db"),
                ["Sqlite:Durability"] = "Normal",
                ["Auth:Mode"] = "EntraId",
                ["Auth:TenantId"] = TestTokens.TenantId,
                ["Auth:Audience"] = TestTokens.Audience,
                ["Auth:DevelopmentTokens"] = "false",
            })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddCartOrdersFunctions(configuration);

        // The tenant's metadata, given rather than fetched: the rest of the validation is the app's own.
        services.Configure<JwtBearerOptions>(BearerAuthentication.Scheme, bearer => bearer.Configuration = tokens.Configuration);
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        try
        {
            // What the host does before it serves: every ValidateOnStart check.
            provider.GetRequiredService<IStartupValidator>().Validate();
        }
        catch
        {
            provider.Dispose();
            tokens.Dispose();
            throw;
        }

        return new FunctionsApp(folder, provider, tokens);
    }

    /// <summary>The app on either store; on Cosmos the app owns its endpoint (a local server is stopped with the app).</summary>
    public static async Task<FunctionsApp> StartAsync(TestStore store, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        if (store == TestStore.Sqlite)
        {
            return Start(settings, configure);
        }

        var cosmos = await CosmosEndpoint.StartAsync();
        try
        {
            var merged = new Dictionary<string, string?>(cosmos.Settings);
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                merged[key] = value;
            }

            var app = Start(merged, configure);
            app._cosmos = cosmos;
            return app;
        }
        catch
        {
            await cosmos.DisposeAsync();
            throw;
        }
    }

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Calls one HTTP function as the worker would: a fresh scope, the request, the pipeline with the function's policy.</summary>
    public async Task<TestResponse> CallAsync(
        string function,
        HttpMethod method,
        string pathAndQuery,
        Func<HttpRequest, Task<IResult>> invoke,
        string? token = null,
        object? json = null,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        ArgumentNullException.ThrowIfNull(invoke);
        await using var scope = Services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        var separator = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        http.Request.Method = method.Method;
        http.Request.Scheme = "https";
        http.Request.Host = new HostString("cartorders.test");
        http.Request.Path = separator < 0 ? pathAndQuery : pathAndQuery[..separator];
        http.Request.QueryString = separator < 0 ? QueryString.Empty : new QueryString(pathAndQuery[separator..]);
        http.Connection.RemoteIpAddress = System.Net.IPAddress.Loopback;
        if (token is not null)
        {
            http.Request.Headers.Authorization = "Bearer " + token;
        }

        var body = json switch
        {
            null => null,
            byte[] bytes => bytes,
            string text => Encoding.UTF8.GetBytes(text),
            _ => JsonSerializer.SerializeToUtf8Bytes(json, JsonSerializerOptions.Web),
        };
        if (body is not null)
        {
            http.Request.Body = new MemoryStream(body);
            http.Request.ContentLength = body.Length;
            http.Request.ContentType = "application/json";
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            http.Request.Headers[name] = value;
        }

        var responseBody = new MemoryStream();
        http.Response.Body = responseBody;
        var pipeline = scope.ServiceProvider.GetRequiredService<ApiPipeline>();
        var policy = scope.ServiceProvider.GetRequiredService<HttpFunctionPolicies>().Of(function);
        await pipeline.RunAsync(http, policy, async () => await invoke(http.Request));
        return new TestResponse(http.Response.StatusCode, http.Response.Headers, http.Response.ContentType, responseBody.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        Tokens.Dispose();
        if (_cosmos is not null)
        {
            await _cosmos.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        try
        {
            _folder.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}

/// <summary>What a function answered.</summary>
public sealed record TestResponse(int Status, IHeaderDictionary Headers, string? ContentType, byte[] Body)
{
    public JsonElement Json() => JsonDocument.Parse(Body).RootElement.Clone();

    public string Text => Encoding.UTF8.GetString(Body);

    /// <summary>The problem's <c>code</c>, after checking the response is problem+json with the RFC fields.</summary>
    public string ProblemCode()
    {
        Assert.Equal("application/problem+json", ContentType);
        var problem = Json();
        Assert.Equal(Status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("type").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        var code = problem.GetProperty("code").GetString()!;
        Assert.Equal("urn:cartorders:problem:" + code, problem.GetProperty("type").GetString());
        return code;
    }

    public long? ETag => Headers.ETag.Count == 1 && long.TryParse(Headers.ETag[0]!.Trim('"'), out var version) ? version : null;
}
