using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace CartOrders.Functions.Tests.Support;

/// <summary>The function app's files: its build output (this project references it, so it is built first), the repository, a publish.</summary>
public static class AppFiles
{
    public static string BuildOutput => Metadata("FunctionsBuildOutput");

    public static string RepositoryRoot => Metadata("RepositoryRoot");

    public static JsonElement ReadJson(string path)
    {
        Assert.True(File.Exists(path), $"{path} does not exist.");
        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        return document.RootElement.Clone();
    }

    /// <summary>
    /// <c>dotnet publish src/CartOrders.Functions -c Release</c> into <paramref name="output"/>, with its
    /// own artifacts folder so that it never rewrites the build the test run itself uses.
    /// </summary>
    public static async Task<(int ExitCode, string Log)> PublishAsync(string output, string artifacts, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "publish", Path.Combine("src", "CartOrders.Functions"), "-c", "Release", "-o", output, "--artifacts-path", artifacts, "-nologo" })
        {
            start.ArgumentList.Add(argument);
        }

        // The test host may run inside an MSBuild-started process; the publish is a build of its own.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    private static string Metadata(string key) =>
        typeof(AppFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
            ?? throw new InvalidOperationException($"No {key} metadata.");
}
