using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace CartOrders.Server.Auth;

/// <summary>
/// The HS256 key of development tokens: 256 random bits generated on first run into
/// <c>{DataFolder}/dev-signing-key</c> (configuration key <c>DataFolder</c>, default <c>data</c>), readable by the owner only. Never in the repository;
/// deleting the file invalidates every token issued with it.
/// </summary>
public sealed partial class DevelopmentSigningKey
{
    public const string FileName = "dev-signing-key";
    private const int KeyBytes = 32;

    public const string DataFolderKey = "DataFolder";

    public DevelopmentSigningKey(IConfiguration configuration, ILogger<DevelopmentSigningKey> logger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var folder = Path.GetFullPath(configuration[DataFolderKey] is { Length: > 0 } configured ? configured : "data");
        Directory.CreateDirectory(folder);
        FilePath = Path.Combine(folder, FileName);
        Key = new SymmetricSecurityKey(LoadOrCreate(FilePath, logger)) { KeyId = "cartorders-dev" };
    }

    public string FilePath { get; }

    public SymmetricSecurityKey Key { get; }

    private static byte[] LoadOrCreate(string path, ILogger logger)
    {
        if (!File.Exists(path))
        {
            var key = RandomNumberGenerator.GetBytes(KeyBytes);
            try
            {
                var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using (var file = new FileStream(path, create))
                {
                    file.Write(key);
                    file.Flush(flushToDisk: true);
                }

                LogCreated(logger, path);
                return key;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first: use theirs.
            }
        }

        var stored = File.ReadAllBytes(path);
        return stored.Length >= KeyBytes
            ? stored
            : throw new InvalidOperationException($"The development signing key '{path}' is shorter than {KeyBytes} bytes; delete it to generate a new one.");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Generated a development signing key at {Path}")]
    private static partial void LogCreated(ILogger logger, string path);
}
