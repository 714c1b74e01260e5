using System.Buffers.Binary;
using System.Reflection;
using Xunit.v3;

namespace CartOrders.Testing;

/// <summary>
/// Stops spending time on a mutant the tests have already killed. Stryker's Microsoft.Testing.Platform
/// runner runs every test that covers a mutant, even after one has failed (its VSTest runner stops at
/// the first failure; this one has no such option). While Stryker tests a mutant, the active mutant's
/// id is the first four bytes (little-endian) of the file named by <c>STRYKER_MUTANT_FILE</c>. Once a
/// test has failed with mutant N active, every later test that starts while N is still active fails at
/// once, without running: N counts as killed either way, so the score is the same and only the time
/// changes. Outside a mutation run (no such variable, or no mutant active: an id below 0) it does
/// nothing; <c>CARTORDERS_MUTATION_BAIL=0</c> turns it off (to see every test that fails on a mutant).
/// Applied to a test assembly with <c>[assembly: MutationBail]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class MutationBailAttribute : BeforeAfterTestAttribute
{
    /// <summary>The variable Stryker sets on the test host to the path of its active-mutant file.</summary>
    public const string MutantFileVariable = "STRYKER_MUTANT_FILE";

    /// <summary>Set to <c>0</c> to run every test under every mutant.</summary>
    public const string SwitchVariable = "CARTORDERS_MUTATION_BAIL";

    private static readonly MutationBail Shared = new(
        Environment.GetEnvironmentVariable(SwitchVariable) == "0" ? null : Environment.GetEnvironmentVariable(MutantFileVariable));

    /// <inheritdoc />
    public override void Before(MethodInfo methodUnderTest, IXunitTest test) => Shared.BeforeTest();

    /// <inheritdoc />
    public override void After(MethodInfo methodUnderTest, IXunitTest test) =>
        Shared.AfterTest(TestContext.Current.TestState?.Result == TestResult.Failed);
}

/// <summary>The state behind <see cref="MutationBailAttribute"/>: the last mutant a test failed under.</summary>
public sealed class MutationBail(string? mutantFile)
{
    private int _killed = -1;

    /// <summary>The mutant active now, or -1 when none is (or this is not a mutation run).</summary>
    public int ActiveMutant()
    {
        if (string.IsNullOrEmpty(mutantFile))
        {
            return -1;
        }

        Span<byte> id = stackalloc byte[4];
        try
        {
            using var file = new FileStream(mutantFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            file.ReadExactly(id);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return -1;
        }

        return BinaryPrimitives.ReadInt32LittleEndian(id);
    }

    /// <summary>Fails the test about to start when the active mutant has already been killed.</summary>
    public void BeforeTest()
    {
        var active = ActiveMutant();
        if (active >= 0 && active == Volatile.Read(ref _killed))
        {
            throw new MutantAlreadyKilledException(active);
        }
    }

    /// <summary>Records the active mutant as killed when the test that just ran failed.</summary>
    public void AfterTest(bool failed)
    {
        if (!failed)
        {
            return;
        }

        var active = ActiveMutant();
        if (active >= 0)
        {
            Volatile.Write(ref _killed, active);
        }
    }
}

/// <summary>Thrown instead of running a test under a mutant an earlier test has already killed.</summary>
public sealed class MutantAlreadyKilledException(int mutant)
    : Exception($"Not run: mutant {mutant} was already killed by an earlier test of this run ({nameof(MutationBailAttribute)}).")
{
    /// <summary>The mutant's id.</summary>
    public int Mutant { get; } = mutant;
}
