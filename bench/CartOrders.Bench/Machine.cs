using System.Diagnostics;
using System.Globalization;

namespace CartOrders.Bench;

/// <summary>What the figures were measured on, read from /proc and /sys (Linux).</summary>
internal sealed record Machine(int Cores, long MemoryBytes, string Cpu, string Disk, string LoadAtStart, string Commit)
{
    public static Machine Describe(string repositoryRoot)
    {
        var cpu = ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var memKb = ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) is { } line
            ? long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture)
            : 0;
        var load = ReadLines("/proc/loadavg").FirstOrDefault() is { } avg ? string.Join(' ', avg.Split(' ').Take(3)) : "unknown";
        return new Machine(Environment.ProcessorCount, memKb * 1024, cpu, DescribeDisk(Path.GetTempPath()), load, GitCommit(repositoryRoot));
    }

    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Cores} cores ({Cpu}), {MemoryBytes / (1024.0 * 1024 * 1024):0.0} GiB memory, temp files on {Disk}, load average at start {LoadAtStart}, .NET {Environment.Version}");

    private static string DescribeDisk(string path)
    {
        // The block device behind the temp folder, from /proc/mounts; virtio disks (vd*) are a VM's virtual disks.
        var mount = ReadLines("/proc/mounts")
            .Select(l => l.Split(' '))
            .Where(f => f.Length > 2 && path.StartsWith(f[1], StringComparison.Ordinal))
            .MaxBy(f => f[1].Length);
        if (mount is null)
        {
            return "unknown disk";
        }

        var device = Path.GetFileName(mount[0]);
        var kind = device.StartsWith("vd", StringComparison.Ordinal) ? "virtio virtual disk" : "disk";
        var rotational = File.Exists($"/sys/block/{device}/queue/rotational") ? File.ReadAllText($"/sys/block/{device}/queue/rotational").Trim() : "?";
        return $"{mount[0]} ({kind}, {mount[2]}, rotational flag {rotational})";
    }

    /// <summary>The server DLL and the commit of the repository it was built from.</summary>
    public static string DescribeBuild(string dll)
    {
        for (var dir = new FileInfo(dll).Directory; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CartOrders.sln")))
            {
                return $"`{dll}`, built from {dir.FullName} at commit `{GitCommit(dir.FullName)}`";
            }
        }

        return $"`{dll}`";
    }

    private static string GitCommit(string root)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", ["-C", root, "describe", "--always", "--dirty"]) { RedirectStandardOutput = true, RedirectStandardError = true });
            var text = git?.StandardOutput.ReadToEnd().Trim();
            git?.WaitForExit();
            return string.IsNullOrEmpty(text) ? "unknown" : text;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }

    private static IEnumerable<string> ReadLines(string path) => File.Exists(path) ? File.ReadLines(path) : [];
}
