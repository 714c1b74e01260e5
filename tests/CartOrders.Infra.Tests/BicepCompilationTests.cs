using CartOrders.Infra.Tests.Support;

namespace CartOrders.Infra.Tests;

public sealed class BicepCompilationTests(InfraFixture infra)
{
    [Fact]
    public void Main_template_builds_without_errors_or_warnings()
    {
        Assert.True(infra.Build.ExitCode == 0, infra.Build.ToString());
        Assert.True(infra.Build.StandardError.Trim().Length == 0, $"bicep {BicepCli.Version} reported:{Environment.NewLine}{infra.Build.StandardError}");
        Assert.NotEmpty(infra.Template.Resources);
    }

    [Fact]
    public void Linter_reports_nothing_for_main_template()
    {
        Assert.True(infra.Lint.ExitCode == 0, infra.Lint.ToString());
        Assert.True(
            infra.Lint.StandardOutput.Trim().Length == 0 && infra.Lint.StandardError.Trim().Length == 0,
            infra.Lint.ToString());
    }

    [Fact]
    public void Deployment_predictions_evaluate_without_diagnostics()
    {
        Assert.Empty(infra.Defaults.Diagnostics);
        Assert.Empty(infra.Overrides.Diagnostics);
    }

    [Fact]
    public void Infra_uses_no_registry_modules()
    {
        // The public module registry is unreachable from the build machines: raw resources only.
        var modules = Directory.EnumerateFiles(Repository.PathOf("infra"), "*.bicep", SearchOption.AllDirectories)
            .SelectMany(File.ReadAllLines)
            .Where(line => line.TrimStart().StartsWith("module ", StringComparison.Ordinal));

        Assert.All(modules, line => Assert.DoesNotMatch(@"'(br|ts)[:/]", line));
    }
}
