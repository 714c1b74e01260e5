namespace CartOrders.Bench;

/// <summary>
/// What the bench started outside itself (a PostgreSQL cluster, a server process, temp folders)
/// is undone by its owner's Dispose; this list also undoes it when the bench is stopped by a
/// signal (SIGTERM, Ctrl+C), so nothing outlives a run.
/// </summary>
internal static class Cleanup
{
    private static readonly List<IDisposable> s_owned = [];

    static Cleanup() => AppDomain.CurrentDomain.ProcessExit += (_, _) => RunAll();

    public static T Register<T>(T owned)
        where T : IDisposable
    {
        lock (s_owned)
        {
            s_owned.Add(owned);
        }

        return owned;
    }

    public static void Unregister(IDisposable owned)
    {
        lock (s_owned)
        {
            s_owned.Remove(owned);
        }
    }

    public static void RunAll()
    {
        IDisposable[] owned;
        lock (s_owned)
        {
            owned = [.. s_owned];
            s_owned.Clear();
        }

        foreach (var o in owned.Reverse())
        {
            o.Dispose();
        }
    }
}

/// <summary>A temporary folder removed with everything in it when disposed.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder(string prefix)
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
        Cleanup.Register(this);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        Cleanup.Unregister(this);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Still held by a process that is going away; the OS temp cleanup takes it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
