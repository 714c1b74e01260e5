using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Reflection;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CartOrders.Web.Tests;

/// <summary>
/// A real OpenID Connect provider (npm <c>oidc-provider</c>, tests/CartOrders.OpenIdProvider/provider.mjs) run by
/// node on a free loopback port over HTTPS with a certificate made for this run, standing in for
/// Microsoft Entra ID: issuer <c>{Instance}{Tenant}/v2.0</c>, JWT access tokens for
/// <see cref="Audience"/> with <c>sub</c>, <c>scp</c> and <c>roles</c>. MSAL accepts https
/// authorities only, hence the certificate; the browser and the API trust exactly it.
/// </summary>
internal sealed class LocalOpenIdProvider : IAsyncDisposable
{
    public const string Tenant = "cartorders-test";
    public const string ClientId = "cartorders-web-test";
    public const string Audience = "api://cartorders-test";
    public const string Scope = Audience + "/access_as_user";

    private readonly Process _node;
    private readonly DirectoryInfo _files;
    private readonly string _certificateHash;

    private LocalOpenIdProvider(Process node, DirectoryInfo files, string certificateHash, Uri issuer)
    {
        _node = node;
        _files = files;
        _certificateHash = certificateHash;
        Issuer = issuer;
    }

    /// <summary>The provider's issuer, <c>https://127.0.0.1:{port}/{Tenant}/v2.0</c>: the authority in the web client's config.</summary>
    public Uri Issuer { get; }

    /// <summary>What the server's <c>Auth:Instance</c> is for this provider (the issuer is <c>{Instance}{TenantId}/v2.0</c>).</summary>
    public string Instance => Issuer.GetLeftPart(UriPartial.Authority) + "/";

    /// <param name="webOrigin">the web client's origin: the client's redirect and post-logout URI is <c>{origin}/</c></param>
    /// <param name="operators">users whose access tokens carry the <c>operator</c> role</param>
    public static async Task<LocalOpenIdProvider> StartAsync(Uri webOrigin, params string[] operators)
    {
        var root = typeof(LocalOpenIdProvider).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "OpenIdProviderRoot").Value!;
        if (!File.Exists(Path.Combine(root, "node_modules", "oidc-provider", "package.json")))
        {
            Assert.Fail($"The test identity provider's packages are missing in {root}: building this project runs `npm ci` there.");
        }

        var files = Directory.CreateTempSubdirectory("cartorders-oidc-");
        using var certificate = CreateCertificate();
        var certificatePath = Path.Combine(files.FullName, "cert.pem");
        var keyPath = Path.Combine(files.FullName, "key.pem");
        await File.WriteAllTextAsync(certificatePath, certificate.ExportCertificatePem());
        using (var key = certificate.GetRSAPrivateKey()!)
        {
            await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());
        }

        var start = new ProcessStartInfo("node", ["provider.mjs"])
        {
            WorkingDirectory = root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["OIDC_CERT"] = certificatePath;
        start.Environment["OIDC_KEY"] = keyPath;
        start.Environment["OIDC_TENANT"] = Tenant;
        start.Environment["OIDC_CLIENT_ID"] = ClientId;
        start.Environment["OIDC_WEB_ORIGIN"] = webOrigin.GetLeftPart(UriPartial.Authority);
        start.Environment["OIDC_AUDIENCE"] = Audience;
        start.Environment["OIDC_SCOPE"] = Scope;
        start.Environment["OIDC_OPERATORS"] = string.Join(',', operators);

        var node = Process.Start(start) ?? throw new InvalidOperationException("node could not be started.");
        var errors = new System.Text.StringBuilder();
        node.ErrorDataReceived += (_, line) =>
        {
            lock (errors)
            {
                errors.AppendLine(line.Data);
            }
        };
        node.BeginErrorReadLine();

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(20));
        try
        {
            while (await node.StandardOutput.ReadLineAsync(limit.Token) is { } line)
            {
                if (line.StartsWith("issuer ", StringComparison.Ordinal))
                {
                    // The provider logs nothing else on standard output; keep the pipe drained anyway.
                    _ = node.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                    return new LocalOpenIdProvider(node, files, certificate.GetCertHashString(HashAlgorithmName.SHA256), new Uri(line["issuer ".Length..]));
                }
            }
        }
        catch (OperationCanceledException)
        {
            // reported below
        }

        node.Kill(entireProcessTree: true);
        await node.WaitForExitAsync(CancellationToken.None);
        string said;
        lock (errors)
        {
            said = errors.ToString();
        }

        node.Dispose();
        files.Delete(recursive: true);
        Assert.Fail($"The test identity provider did not start:{Environment.NewLine}{said}");
        return null!;
    }

    /// <summary>A handler for the API's metadata and key requests that trusts this provider's certificate, and no other.</summary>
    public HttpMessageHandler TrustingHandler() => new SocketsHttpHandler
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, presented, _, _) =>
                presented is not null && string.Equals(presented.GetCertHashString(HashAlgorithmName.SHA256), _certificateHash, StringComparison.OrdinalIgnoreCase),
        },
    };

    public async ValueTask DisposeAsync()
    {
        // Closing its standard input stops the provider; kill it if it lingers.
        _node.StandardInput.Close();
        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            try
            {
                await _node.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                _node.Kill(entireProcessTree: true);
                await _node.WaitForExitAsync(CancellationToken.None);
            }
        }

        _node.Dispose();
        try
        {
            _files.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind is harmless.
        }
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }
}
