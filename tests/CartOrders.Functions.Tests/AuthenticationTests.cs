using System.Security.Cryptography;
using CartOrders.Functions.Http;
using CartOrders.Functions.Tests.Support;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using static CartOrders.Functions.Tests.Support.Calls;

namespace CartOrders.Functions.Tests;

/// <summary>Microsoft Entra ID bearer tokens as the function app validates them, with the test tenant's key.</summary>
public sealed class AuthenticationTests
{
    [Fact]
    public async Task A_call_without_a_token_is_401_problem_with_a_bearer_challenge_and_the_function_does_not_run()
    {
        await using var app = FunctionsApp.Start();
        var ran = false;

        var response = await app.CallAsync(nameof(CartFunctions.CreateCart), HttpMethod.Post, "/api/carts", request =>
        {
            ran = true;
            return CartFunctions.CreateCart(request);
        });

        Assert.Equal((401, "unauthorized"), (response.Status, response.ProblemCode()));
        Assert.Equal("Bearer", response.Headers.WWWAuthenticate.ToString());
        Assert.False(ran);
    }

    [Theory]
    [InlineData(TestTokens.ClientId)]
    [InlineData(TestTokens.Audience)]
    public async Task Tokens_for_the_bare_client_id_or_the_application_id_uri_are_accepted_and_sub_is_the_caller(string audience)
    {
        await using var app = FunctionsApp.Start();
        var alice = Unique("alice");

        var response = await app.CallAsync(nameof(CartFunctions.CreateCart), HttpMethod.Post, "/api/carts", CartFunctions.CreateCart, app.Tokens.For(alice, audience: audience));

        Assert.Equal(201, response.Status);
        Assert.Equal(alice, response.Json().GetProperty("ownerId").GetString());
    }

    public static TheoryData<string> BadTokens => ["another audience", "another tenant", "another key", "expired", "not a jwt"];

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_bad_token_is_401_invalid_token(string what)
    {
        await using var app = FunctionsApp.Start();
        using var otherRsa = RSA.Create(2048);
        var user = Unique("alice");
        var token = what switch
        {
            "another audience" => app.Tokens.For(user, audience: "api://some-other-api"),
            "another tenant" => app.Tokens.For(user, issuer: "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0"),
            "another key" => app.Tokens.For(user, signingKey: new RsaSecurityKey(otherRsa) { KeyId = "test-signing-key" }),
            "expired" => app.Tokens.For(user, expires: DateTime.UtcNow.AddMinutes(-5)),
            _ => "not-a-jwt",
        };

        var response = await app.CallAsync(nameof(CartFunctions.ListCarts), HttpMethod.Get, "/api/carts", CartFunctions.ListCarts, token);

        Assert.Equal((401, "unauthorized"), (response.Status, response.ProblemCode()));
        Assert.Equal("Bearer error=\"invalid_token\"", response.Headers.WWWAuthenticate.ToString());
    }

    [Fact]
    public async Task The_operator_role_comes_from_the_roles_claim()
    {
        await using var app = FunctionsApp.Start();
        var alice = app.Tokens.For(Unique("alice"));
        var cartId = await app.CreateCartAsync(alice);
        await app.AddItemAsync(alice, cartId);
        var orderId = await app.CheckOutAsync(alice, cartId);
        await app.TickAsync();

        var byOperator = await app.GetOrderAsync(app.Tokens.For(Unique("olga"), roles: ["operator"]), orderId);
        var byStranger = await app.GetOrderAsync(app.Tokens.For(Unique("olga"), roles: ["shopper"]), orderId);

        Assert.Equal(200, byOperator.Status);
        Assert.Equal((404, "order-not-found"), (byStranger.Status, byStranger.ProblemCode()));
    }

    [Theory]
    [InlineData("Auth:DevelopmentTokens", "true", "never issues development tokens")]
    [InlineData("Auth:Mode", "Development", "Microsoft Entra ID tokens only")]
    [InlineData("Auth:TenantId", "", "Auth:TenantId and Auth:Audience are required")]
    public void The_app_refuses_to_start_with_development_tokens_or_without_a_tenant(string key, string value, string message)
    {
        var error = Assert.Throws<OptionsValidationException>(() => FunctionsApp.Start(new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_app_refuses_to_start_without_a_store()
    {
        var error = Assert.Throws<InvalidOperationException>(() => FunctionsApp.Start(new Dictionary<string, string?> { ["Store:Provider"] = "" }));

        Assert.Contains("Store:Provider must be 'Cosmos' or 'Sqlite'", error.Message, StringComparison.Ordinal);
    }
}
