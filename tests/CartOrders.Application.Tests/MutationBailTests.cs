namespace CartOrders.Application.Tests;

/// <summary>The test kit's bail under Stryker: only a mutant already killed is skipped, nothing else.</summary>
public sealed class MutationBailTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"mutation-bail-{Guid.NewGuid():N}");

    public void Dispose() => File.Delete(_file);

    private void Activate(int mutant) => File.WriteAllBytes(_file, BitConverter.GetBytes(mutant));

    [Fact]
    public void This_test_assembly_carries_the_bail() =>
        Assert.Single(typeof(MutationBailTests).Assembly.GetCustomAttributes(typeof(MutationBailAttribute), inherit: false));

    [Fact]
    public void The_active_mutant_is_the_first_four_bytes_of_the_file_little_endian()
    {
        File.WriteAllBytes(_file, [0x2A, 0x01, 0, 0, 0xFF]);
        Assert.Equal(298, new MutationBail(_file).ActiveMutant());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Outside_a_mutation_run_no_mutant_is_active_and_nothing_is_skipped(string? file)
    {
        var bail = new MutationBail(file);
        bail.AfterTest(failed: true);
        Assert.Equal(-1, bail.ActiveMutant());
        bail.BeforeTest();
    }

    [Fact]
    public void A_missing_or_short_file_means_no_mutant()
    {
        Assert.Equal(-1, new MutationBail(_file).ActiveMutant());
        File.WriteAllBytes(_file, [1, 0]);
        Assert.Equal(-1, new MutationBail(_file).ActiveMutant());
    }

    [Fact]
    public void After_a_failure_under_a_mutant_later_tests_under_it_fail_at_once_and_others_run()
    {
        var bail = new MutationBail(_file);
        Activate(7);
        bail.BeforeTest();
        bail.AfterTest(failed: false);
        bail.BeforeTest();
        bail.AfterTest(failed: true);

        var skipped = Assert.Throws<MutantAlreadyKilledException>(bail.BeforeTest);
        Assert.Equal(7, skipped.Mutant);
        Assert.Contains("mutant 7 was already killed", skipped.Message, StringComparison.Ordinal);

        Activate(8);
        bail.BeforeTest();
        Activate(-1);
        bail.BeforeTest();
    }

    [Fact]
    public void A_failure_with_no_mutant_active_skips_nothing()
    {
        var bail = new MutationBail(_file);
        Activate(-1);
        bail.AfterTest(failed: true);
        bail.BeforeTest();
        Activate(0);
        bail.BeforeTest();
    }

    [Fact]
    public void Passing_tests_never_skip_a_mutant()
    {
        var bail = new MutationBail(_file);
        Activate(3);
        for (var i = 0; i < 3; i++)
        {
            bail.BeforeTest();
            bail.AfterTest(failed: false);
        }

        bail.BeforeTest();
    }
}
