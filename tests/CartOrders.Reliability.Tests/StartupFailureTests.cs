using System.Diagnostics;
using CartOrders.Application.Feed;
using CartOrders.Bench;
using CartOrders.Reliability.Tests.Support;

namespace CartOrders.Reliability.Tests;

/// <summary>
/// The real server process started with a bad configuration: one line on stderr saying what to
/// change, a non-zero exit code, and no stack trace anywhere in its output.
/// </summary>
public sealed class StartupFailureTests
{
    public static TheoryData<string, string, string> BadSettings => new()
    {
        { "Store__Provider", "Postgres", "Store:Provider 'Postgres' is not a known store" },
        { "RateLimiting__Burst", "0", "RateLimiting:PermitsPerSecond and RateLimiting:Burst must be at least 1." },
        { "RateLimiting__Burst", "lots", "RateLimiting:Burst" },
        { "Auth__Mode", "EntraId", "Auth:DevelopmentTokens must be false when Auth:Mode is EntraId" },
        { "WEBSITE_SITE_NAME", "cartorders-app", "Auth:DevelopmentTokens must be false in Azure (WEBSITE_SITE_NAME is set)" },
        { "FUNCTIONS_WORKER_RUNTIME", "dotnet-isolated", "Auth:DevelopmentTokens must be false in Azure (FUNCTIONS_WORKER_RUNTIME is set)" },
        { "Store__Provider", "Cosmos", "Cosmos: set Cosmos:ConnectionString" },
        { "Feed__BatchInterval", "00:00:02", FeedPumpOptions.Invalid },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task A_bad_setting_ends_the_server_with_one_clear_line_and_a_non_zero_exit_code(string name, string value, string expected)
    {
        using var folder = new TempFolder("cartorders-startup-");
        var info = new ProcessStartInfo("dotnet", [OutOfProcessServer.ServerDll, "--urls", "http://127.0.0.1:0"])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(OutOfProcessServer.ServerDll)!,
        };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DataFolder"] = folder.Path;
        info.Environment["Sqlite__Path"] = Path.Combine(folder.Path, "cartorders.db");
        info.Environment["Auth__TenantId"] = "00000000-0000-0000-0000-000000000001";
        info.Environment["Auth__Audience"] = "api://cartorders";
        info.Environment[name] = value;

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("The server did not exit within 60 s of a bad setting.");
        }

        var errors = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var output = await stdout;
        Assert.NotEqual(0, process.ExitCode);
        var line = Assert.Single(errors);
        Assert.StartsWith("CartOrders.Server cannot start: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + line, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output + line, StringComparison.Ordinal);
    }
}
