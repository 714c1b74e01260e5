using CartOrders.Infra.Tests.Support;
using Xunit.Sdk;

[assembly: AssemblyFixture(typeof(InfraFixture))]

namespace CartOrders.Infra.Tests.Support;

/// <summary>
/// Runs the Bicep CLI once for the whole test assembly, in a temporary folder: builds and lints
/// infra/main.bicep and takes a deployment snapshot for each <see cref="Scenarios"/> entry.
/// A failed run is reported by the tests that read it, not here.
/// </summary>
public sealed class InfraFixture : IAsyncLifetime
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("cartorders-infra-tests-");
    private ArmTemplate? _template;
    private DeploymentSnapshot? _defaults;
    private DeploymentSnapshot? _overrides;
    private CliResult? _defaultsRun;
    private CliResult? _overridesRun;

    public static string MainBicep { get; } = Repository.PathOf("infra", "main.bicep");

    public CliResult Build { get; private set; } = new(-1, "", "not run");

    public CliResult Lint { get; private set; } = new(-1, "", "not run");

    /// <summary>The compiled ARM JSON of infra/main.bicep.</summary>
    public ArmTemplate Template => _template ?? throw new XunitException($"bicep build failed: {Build}");

    /// <summary>A deployment with azd's usual inputs and every other parameter at its default.</summary>
    public DeploymentSnapshot Defaults => _defaults ?? throw new XunitException($"bicep snapshot failed: {_defaultsRun}");

    /// <summary>A deployment with every optional parameter changed (<see cref="Scenarios.Overrides"/>).</summary>
    public DeploymentSnapshot Overrides => _overrides ?? throw new XunitException($"bicep snapshot failed: {_overridesRun}");

    public async ValueTask InitializeAsync()
    {
        var compiled = Path.Combine(_work.FullName, "main.json");
        var build = BicepCli.RunAsync(Repository.Root, "build", MainBicep, "--outfile", compiled);
        var lint = BicepCli.RunAsync(Repository.Root, "lint", MainBicep);
        var defaults = SnapshotAsync(Scenarios.Defaults);
        var overrides = SnapshotAsync(Scenarios.Overrides);

        Build = await build;
        if (Build.ExitCode == 0)
        {
            _template = ArmTemplate.Parse(await File.ReadAllTextAsync(compiled));
        }

        Lint = await lint;
        (_defaultsRun, _defaults) = await defaults;
        (_overridesRun, _overrides) = await overrides;
    }

    public ValueTask DisposeAsync()
    {
        _work.Delete(recursive: true);
        return ValueTask.CompletedTask;
    }

    private async Task<(CliResult Run, DeploymentSnapshot? Snapshot)> SnapshotAsync(Scenario scenario)
    {
        // A .bicepparam file must name its template by a relative path.
        var paramsFile = Path.Combine(_work.FullName, $"{scenario.Name}.bicepparam");
        var lines = scenario.Parameters.Select(p => $"param {p.Key} = {p.Value}")
            .Prepend($"using '{Path.GetRelativePath(_work.FullName, MainBicep).Replace('\\', '/')}'");
        await File.WriteAllLinesAsync(paramsFile, lines);

        var run = await BicepCli.RunAsync(
            _work.FullName,
            "snapshot", paramsFile,
            "--mode", "overwrite",
            "--subscription-id", Scenarios.SubscriptionId,
            "--tenant-id", Scenarios.TenantId,
            "--location", scenario.DeploymentLocation);

        var output = Path.ChangeExtension(paramsFile, ".snapshot.json");
        return run.ExitCode == 0 && File.Exists(output)
            ? (run, DeploymentSnapshot.Parse(await File.ReadAllTextAsync(output)))
            : (run, null);
    }
}
