using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CartOrders.Web.Tests;

/// <summary>
/// The Azure topology on this machine: the built web client served by a static file host on one
/// origin, the API (the server in <c>Auth:Mode=EntraId</c>) on another with CORS allowing exactly
/// the web origin, as infra/app/api.bicep sets it, and sign-in with MSAL through a real OpenID
/// Connect provider whose tokens the API validates. Started once for the tests of this class.
/// </summary>
public sealed class AzureTopology : IAsyncLifetime
{
    public const string Operator = "olga";

    private StaticWebHost? _web;
    private LocalOpenIdProvider? _provider;
    private ServerUnderTest? _api;
    private Chromium? _chromium;

    internal StaticWebHost Web => _web ?? throw new InvalidOperationException("not started");

    internal LocalOpenIdProvider Provider => _provider ?? throw new InvalidOperationException("not started");

    internal ServerUnderTest Api => _api ?? throw new InvalidOperationException("not started");

    internal Chromium Chromium => _chromium ?? throw new InvalidOperationException("not started");

    /// <summary>The web client's origin, without a trailing slash, as CORS names it.</summary>
    public string WebOrigin => Web.BaseAddress.GetLeftPart(UriPartial.Authority);

    public async ValueTask InitializeAsync()
    {
        _web = await StaticWebHost.StartAsync();
        _provider = await LocalOpenIdProvider.StartAsync(_web.BaseAddress, Operator);
        var trusting = _provider.TrustingHandler();
        _api = await ServerUnderTest.StartAsync(
            services => services.Configure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, bearer => bearer.BackchannelHttpHandler = trusting),
            ("Auth:Mode", "EntraId"),
            ("Auth:DevelopmentTokens", "false"),
            ("Auth:Instance", _provider.Instance),
            ("Auth:TenantId", LocalOpenIdProvider.Tenant),
            ("Auth:Audience", LocalOpenIdProvider.Audience),
            ("Cors:AllowedOrigins:0", WebOrigin));
        // What infra/hooks/web-config.sh writes, pointed at this provider (mode "oidc": not Entra ID).
        _web.ConfigJson = JsonSerializer.Serialize(new
        {
            apiBase = _api.BaseAddress.ToString().TrimEnd('/'),
            auth = new
            {
                mode = "oidc",
                authority = _provider.Issuer.ToString().TrimEnd('/'),
                clientId = LocalOpenIdProvider.ClientId,
                scopes = new[] { LocalOpenIdProvider.Scope },
            },
        });
        _chromium = await Chromium.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_chromium is not null) await _chromium.DisposeAsync();
        if (_api is not null) await _api.DisposeAsync();
        if (_provider is not null) await _provider.DisposeAsync();
        if (_web is not null) await _web.DisposeAsync();
    }

    /// <summary>A new window (its own context) that signs in as <paramref name="userId"/> on the provider's login and consent pages.</summary>
    internal async Task<CartPage> SignedInAsync(string userId)
    {
        var page = await NewWindowAsync();
        var person = new CartPage(page, userId);
        await page.GotoAsync(Web.BaseAddress.ToString());
        await SignInThroughProviderAsync(person);
        return person;
    }

    internal async Task<IPage> NewWindowAsync()
    {
        var context = await Chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            Locale = "en-US",
            TimezoneId = "UTC",
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            // The provider's certificate is made for this run; the browser is told to accept it.
            IgnoreHTTPSErrors = true,
        });
        await KeepOnThisMachineAsync(context);
        return await context.NewPageAsync();
    }

    /// <summary>The provider's pages import a web font: nothing leaves this machine.</summary>
    internal static Task KeepOnThisMachineAsync(IBrowserContext context) =>
        context.RouteAsync("**/*", route => new Uri(route.Request.Url).IsLoopback ? route.ContinueAsync() : route.AbortAsync());

    internal static async Task SignInThroughProviderAsync(CartPage person)
    {
        var page = person.Page;
        await person.Part("provider-signin-submit").ClickAsync();
        await page.Locator("input[name=login]").FillAsync(person.UserId);
        await page.Locator("input[name=password]").FillAsync("any password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign-in" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Expect(person.Part("signed-in-user")).ToHaveTextAsync(person.UserId);
        await Expect(person.Part("connection-status")).ToHaveAttributeAsync("data-state", "live");
    }
}

/// <summary>Sign-in with MSAL through an OpenID Connect provider, and live collaboration across origins (<see cref="AzureTopology"/>).</summary>
public sealed class SignInTests(AzureTopology topology) : IClassFixture<AzureTopology>
{
    private const string Beans = "espresso-beans-250g";
    private const string SessionEnded = "Your session has ended. Sign in again.";

    static SignInTests() => SetDefaultExpectTimeout(20_000);

    [Fact]
    public async Task Two_people_signed_in_through_the_provider_share_a_cart_live_across_origins()
    {
        var alice = await topology.SignedInAsync("alice");
        await Expect(alice.Part("signed-in-name")).ToHaveTextAsync("Alice Example");
        await Expect(alice.Part("operator-badge")).ToBeHiddenAsync();
        Assert.NotEqual(new Uri(alice.Page.Url).GetLeftPart(UriPartial.Authority), topology.Api.BaseAddress.GetLeftPart(UriPartial.Authority));

        var cartId = await alice.CreateCartAsync();
        await alice.InviteAsync("bob");
        var bob = await topology.SignedInAsync("bob");
        await bob.OpenCartAsync(cartId);
        await Expect(bob.Part("cart-owner")).ToHaveTextAsync("alice");

        await bob.AddAsync(Beans, 2);
        await alice.ExpectQuantityAsync(Beans, 2);
        await alice.SetQuantityAsync(Beans, 3);
        await bob.ExpectQuantityAsync(Beans, 3);

        Assert.Empty(alice.PageErrors);
        Assert.Empty(bob.PageErrors);
    }

    [Fact]
    public async Task The_roles_in_the_providers_access_token_make_an_operator()
    {
        var olga = await topology.SignedInAsync(AzureTopology.Operator);
        await Expect(olga.Part("operator-badge")).ToBeVisibleAsync();
        await Expect(olga.Part("operator-panel")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_API_allows_exactly_the_web_origin_without_credentials()
    {
        using var client = new HttpClient { BaseAddress = topology.Api.BaseAddress };
        foreach (var (origin, allowed) in new[] { (topology.WebOrigin, true), ("http://127.0.0.1:1", false), ("https://elsewhere.example", false) })
        {
            using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/negotiate");
            preflight.Headers.Add("Origin", origin);
            preflight.Headers.Add("Access-Control-Request-Method", "POST");
            preflight.Headers.Add("Access-Control-Request-Headers", "authorization");
            using var response = await client.SendAsync(preflight, TestContext.Current.CancellationToken);
            var allowOrigin = response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? values.Single() : null;
            Assert.Equal(allowed ? origin : null, allowOrigin);
            Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"), "credentials are never allowed");
        }
    }

    [Fact]
    public async Task Signing_out_ends_the_providers_session_and_returns_to_the_signed_out_page()
    {
        var carol = await topology.SignedInAsync("carol");

        await carol.Part("sign-out").ClickAsync();
        await carol.Page.GetByRole(AriaRole.Button, new() { Name = "Yes, sign me out" }).ClickAsync();

        await Expect(carol.Part("provider-signin-submit")).ToBeVisibleAsync();
        await Expect(carol.Part("session")).ToBeHiddenAsync();
        await Expect(carol.Part("workspace")).ToBeHiddenAsync();
        Assert.StartsWith(topology.WebOrigin, carol.Page.Url, StringComparison.Ordinal);

        // The provider forgot her too: signing in again asks for her name.
        await carol.Part("provider-signin-submit").ClickAsync();
        await Expect(carol.Page.Locator("input[name=login]")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task An_access_token_that_is_gone_is_renewed_with_the_refresh_token()
    {
        var gina = await topology.SignedInAsync("gina");
        // As when the access token is about to expire: MSAL's cache no longer answers with it.
        await ForgetTokensAsync(gina.Page, "accesstoken");

        var renewal = await gina.Page.RunAndWaitForRequestAsync(
            () => gina.Page.ReloadAsync(),
            r => r.Url.StartsWith(topology.Provider.Issuer + "/token", StringComparison.Ordinal) && r.PostData?.Contains("grant_type=refresh_token", StringComparison.Ordinal) == true);

        var answer = await renewal.ResponseAsync();
        Assert.True(answer?.Status == 200, $"the refresh token grant answered {answer?.Status}: {(answer is null ? "" : await answer.TextAsync())}");
        await Expect(gina.Part("signed-in-user")).ToHaveTextAsync("gina");
        await Expect(gina.Part("connection-status")).ToHaveAttributeAsync("data-state", "live");
        await gina.CreateCartAsync();
    }

    [Fact]
    public async Task Without_its_tokens_the_page_renews_them_through_the_providers_session_in_a_hidden_frame()
    {
        // A browser profile of its own that lets the provider's session cookie into the page's frame
        // (third-party cookies allowed, as in a normal Chrome window); this machine's Chromium
        // blocks them by default, and then renewal ends the session (the next test).
        var profile = Directory.CreateTempSubdirectory("cartorders-chromium-");
        try
        {
            Directory.CreateDirectory(Path.Combine(profile.FullName, "Default"));
            await File.WriteAllTextAsync(Path.Combine(profile.FullName, "Default", "Preferences"),
                """{"profile":{"cookie_controls_mode":0,"block_third_party_cookies":false}}""", TestContext.Current.CancellationToken);
            using var playwright = await Playwright.CreateAsync();
            await using var context = await playwright.Chromium.LaunchPersistentContextAsync(profile.FullName, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = Chromium.ExecutablePath,
                Headless = true,
                Args = Chromium.Arguments,
                IgnoreHTTPSErrors = true,
                ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            });
            await AzureTopology.KeepOnThisMachineAsync(context);
            var erin = new CartPage(await context.NewPageAsync(), "erin");
            await erin.Page.GotoAsync(topology.Web.BaseAddress.ToString());
            await AzureTopology.SignInThroughProviderAsync(erin);
            await ForgetTokensAsync(erin.Page);

            await erin.Page.ReloadAsync();

            await Expect(erin.Part("signed-in-user")).ToHaveTextAsync("erin");
            await Expect(erin.Part("connection-status")).ToHaveAttributeAsync("data-state", "live");
            // A new access token (prompt=none brings no refresh token from this provider; Entra ID sends one).
            Assert.Equal(1, await erin.Page.EvaluateAsync<int>("() => Object.keys(sessionStorage).filter(k => k.includes('|accesstoken|')).length"));
            await erin.CreateCartAsync();
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task When_the_provider_will_not_renew_silently_the_page_says_the_session_has_ended()
    {
        var frank = await topology.SignedInAsync("frank");
        // Without a refresh token MSAL asks the provider in a hidden frame that loads the page as
        // its redirect URI (the page passes the answer on); with no provider session either (its
        // cookies gone) the answer is login_required: only signing in again can give a token.
        await ForgetTokensAsync(frank.Page);
        await frank.Page.Context.ClearCookiesAsync();

        await frank.Page.ReloadAsync();

        await Expect(frank.Part("provider-signin-error")).ToHaveTextAsync(SessionEnded);
        await Expect(frank.Part("provider-signin-submit")).ToBeEnabledAsync();
        await Expect(frank.Part("session")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task A_token_the_API_rejects_is_shown_as_an_ended_session()
    {
        var dave = await topology.SignedInAsync("dave");
        // From now on every call presents a token whose signature the API cannot verify.
        await dave.Page.RouteAsync(topology.Api.BaseAddress + "api/carts**", route =>
        {
            var headers = new Dictionary<string, string>(route.Request.Headers);
            if (headers.TryGetValue("authorization", out var bearer))
            {
                var parts = bearer.Split('.');
                headers["authorization"] = $"{parts[0]}.{parts[1]}.{Convert.ToBase64String(new byte[256]).TrimEnd('=').Replace('+', '-').Replace('/', '_')}";
            }

            return route.ContinueAsync(new RouteContinueOptions { Headers = headers });
        });

        var response = await dave.Page.RunAndWaitForResponseAsync(
            () => dave.Part("new-cart").ClickAsync(),
            r => r.Url.StartsWith(topology.Api.BaseAddress + "api/carts", StringComparison.Ordinal) && r.Request.Method == "POST");
        Assert.Equal(401, response.Status);

        await Expect(dave.Part("error")).ToHaveTextAsync(SessionEnded);
        await Expect(dave.Part("provider-signin-submit")).ToBeVisibleAsync();
        await Expect(dave.Part("session")).ToBeHiddenAsync();
    }

    /// <summary>Drops MSAL's access and refresh tokens (or the kinds named) from the tab's cache, keeping the account and its ID token.</summary>
    private static async Task ForgetTokensAsync(IPage page, string kinds = "accesstoken|refreshtoken")
    {
        var keys = $"Object.keys(sessionStorage).filter(k => /\\|({kinds})\\|/.test(k))";
        Assert.NotEqual(0, await page.EvaluateAsync<int>($"() => {keys}.length"));
        await page.EvaluateAsync($"() => {keys}.forEach(k => sessionStorage.removeItem(k))");
        Assert.Equal(0, await page.EvaluateAsync<int>($"() => {keys}.length"));
    }
}
