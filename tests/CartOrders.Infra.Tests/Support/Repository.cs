namespace CartOrders.Infra.Tests.Support;

/// <summary>Files of the repository under test, found by walking up from the test binaries.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] relative) => Path.Combine([Root, .. relative]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CartOrders.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No CartOrders.sln above {AppContext.BaseDirectory}.");
    }
}
