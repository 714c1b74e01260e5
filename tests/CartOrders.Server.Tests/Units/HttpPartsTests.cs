using System.Text.Json;
using CartOrders.Api.Http;
using CartOrders.Api.Problems;
using CartOrders.Domain;
using Microsoft.AspNetCore.Http;

namespace CartOrders.Server.Tests.Units;

/// <summary>The HTTP layer's small parts on their own: entity tags, idempotency keys, problem answers.</summary>
public sealed class HttpPartsTests
{
    [Theory]
    [InlineData("\"0\"", 0L)]
    [InlineData("\"3\"", 3L)]
    [InlineData("  \"42\"  ", 42L)]
    [InlineData("\"999999999999999999\"", 999_999_999_999_999_999L)]
    public void If_Match_with_one_strong_tag_pins_that_version(string header, long version)
    {
        var request = Request(("If-Match", header));

        Assert.Equal(version, ETags.ParseIfMatch(request));
    }

    [Theory]
    [InlineData("W/\"3\"")]
    [InlineData("*")]
    [InlineData("3")]
    [InlineData("\"\"")]
    [InlineData("\"3")]
    [InlineData("3\"")]
    [InlineData("\"-3\"")]
    [InlineData("\"+3\"")]
    [InlineData("\" 3\"")]
    [InlineData("\"3\", \"4\"")]
    [InlineData("\"9999999999999999999\"")]
    [InlineData("\"99999999999999999999\"")]
    [InlineData("\"0000000000000000000003\"")]
    public void Any_other_If_Match_is_invalid(string header)
    {
        var error = Assert.Throws<ProblemException>(() => ETags.ParseIfMatch(Request(("If-Match", header))));

        Assert.Same(ApiProblem.InvalidIfMatch, error.Problem);
        Assert.Equal("If-Match must be one strong entity tag holding a stream version, such as \"3\".", error.Detail);
    }

    [Fact]
    public void Two_If_Match_headers_are_invalid_and_none_pins_nothing()
    {
        var request = new DefaultHttpContext().Request;
        request.Headers.Append("If-Match", "\"3\"");
        request.Headers.Append("If-Match", "\"4\"");

        Assert.Throws<ProblemException>(() => ETags.ParseIfMatch(request));
        Assert.Null(ETags.ParseIfMatch(Request()));
        Assert.Equal("\"17\"", ETags.Format(17));
        Assert.Throws<ArgumentNullException>(() => ETags.ParseIfMatch(null!));
    }

    [Theory]
    [InlineData("k")]
    [InlineData(" ~")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void An_Idempotency_Key_of_1_to_128_printable_ASCII_characters_is_taken(string key) =>
        Assert.Equal(key, IdempotencyKeys.Parse(Request(("Idempotency-Key", key))));

    [Theory]
    [InlineData("")]
    [InlineData("tab\there")]
    [InlineData("del\u007f")]
    [InlineData("é")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdefX")]
    public void Any_other_Idempotency_Key_is_invalid(string key)
    {
        var error = Assert.Throws<ProblemException>(() => IdempotencyKeys.Parse(Request(("Idempotency-Key", key))));

        Assert.Same(ApiProblem.IdempotencyKeyInvalid, error.Problem);
        Assert.Equal("Idempotency-Key must be one value of 1-128 printable ASCII characters.", error.Detail);
    }

    [Fact]
    public void Two_Idempotency_Keys_are_invalid_and_none_is_no_key()
    {
        var request = new DefaultHttpContext().Request;
        request.Headers.Append("Idempotency-Key", "a");
        request.Headers.Append("Idempotency-Key", "b");

        Assert.Throws<ProblemException>(() => IdempotencyKeys.Parse(request));
        Assert.Null(IdempotencyKeys.Parse(Request()));
        Assert.Throws<ArgumentNullException>(() => IdempotencyKeys.Parse(null!));
    }

    [Fact]
    public void A_fingerprint_is_the_method_the_path_and_the_hash_of_the_body()
    {
        var request = Request();
        request.Method = "post";
        request.Path = "/api/carts";

        Assert.Equal(
            "POST /api/carts sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
            IdempotencyKeys.Fingerprint(request, "foo"u8));
        Assert.Throws<ArgumentNullException>(() => IdempotencyKeys.Fingerprint(null!, "foo"u8));
    }

    [Fact]
    public void Derived_ids_are_32_hex_characters_stable_per_purpose_user_key_and_scope()
    {
        var id = IdempotencyKeys.DerivedId("cart", "alice", "k1");

        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal(id, IdempotencyKeys.DerivedId("cart", "alice", "k1", ""));
        Assert.NotEqual(id, IdempotencyKeys.DerivedId("cart", "alice", "k1", "s"));
        Assert.NotEqual(id, IdempotencyKeys.DerivedId("order", "alice", "k1"));
        Assert.NotEqual(id, IdempotencyKeys.DerivedId("cart", "bob", "k1"));
        Assert.Matches("^[0-9a-f]{32}$", IdempotencyKeys.NewId());
        Assert.NotEqual(IdempotencyKeys.NewId(), IdempotencyKeys.NewId());
    }

    [Theory]
    [InlineData(ErrorKind.Invalid, 400)]
    [InlineData(ErrorKind.NotFound, 404)]
    [InlineData(ErrorKind.Forbidden, 403)]
    [InlineData(ErrorKind.Conflict, 409)]
    [InlineData(ErrorKind.Unprocessable, 422)]
    public void Each_kind_of_rule_violation_has_its_status(ErrorKind kind, int status) =>
        Assert.Equal(status, ApiProblem.StatusOf(kind));

    [Theory]
    [InlineData(400, "bad-request")]
    [InlineData(401, "unauthorized")]
    [InlineData(403, "forbidden")]
    [InlineData(404, "not-found")]
    [InlineData(405, "method-not-allowed")]
    [InlineData(413, "payload-too-large")]
    [InlineData(415, "unsupported-media-type")]
    [InlineData(429, "rate-limited")]
    [InlineData(500, "internal-error")]
    [InlineData(502, "internal-error")]
    [InlineData(418, "http-418")]
    [InlineData(499, "http-499")]
    public void A_bare_status_gets_its_code(int status, string code)
    {
        var problem = ApiProblem.ForStatus(status);

        Assert.Equal(code, problem.Code);
        Assert.Equal("urn:cartorders:problem:" + code, problem.Type);
        Assert.Equal(status >= 500 ? 500 : status, problem.Status);
    }

    [Fact]
    public void A_rule_violation_becomes_the_problem_with_its_code_status_and_title()
    {
        var problem = ApiProblem.From(DomainError.CartFull);

        Assert.Equal(new ApiProblem("cart-full", 409, "A cart holds at most 50 lines"), problem);
        Assert.Equal("Request failed", ApiProblem.ForStatus(418).Title);
        Assert.Throws<ArgumentOutOfRangeException>(() => ApiProblem.StatusOf((ErrorKind)99));
        Assert.Throws<ArgumentNullException>(() => ApiProblem.From(null!));
    }

    [Theory]
    [InlineData(0.1, "1")]
    [InlineData(1.0, "1")]
    [InlineData(1.2, "2")]
    [InlineData(30.0, "30")]
    public async Task A_problem_answer_rounds_Retry_After_up_to_whole_seconds_of_at_least_one(double seconds, string header)
    {
        var http = await ExecuteAsync(new ProblemResult(ApiProblem.RateLimited) { RetryAfter = TimeSpan.FromSeconds(seconds) });

        Assert.Equal(header, http.Response.Headers.RetryAfter.ToString());
    }

    [Fact]
    public async Task A_problem_answer_has_its_status_type_tag_and_body_in_the_RFC_order()
    {
        var http = await ExecuteAsync(new ProblemResult(ApiProblem.VersionMismatch, "moved on") { Version = 4, TraceId = "t1" });

        Assert.Equal(412, http.Response.StatusCode);
        Assert.Equal("application/problem+json", http.Response.ContentType);
        Assert.Equal("\"4\"", http.Response.Headers.ETag.ToString());
        Assert.Empty(http.Response.Headers.RetryAfter.ToString());
        Assert.Empty(http.Response.Headers.WWWAuthenticate.ToString());
        Assert.Equal(
            """{"type":"urn:cartorders:problem:version-mismatch","title":"The stream has moved on","status":412,"detail":"moved on","code":"version-mismatch","traceId":"t1"}""",
            Body(http));
    }

    [Fact]
    public async Task A_problem_answer_without_detail_repeats_the_title_and_a_401_always_challenges()
    {
        var bare = await ExecuteAsync(new ProblemResult(ApiProblem.Unauthorized));
        var challenged = new DefaultHttpContext();
        challenged.Response.Headers.WWWAuthenticate = "Bearer";
        challenged.Response.Body = new MemoryStream();
        await new ProblemResult(ApiProblem.Unauthorized).ExecuteAsync(challenged);

        Assert.Equal("Bearer error=\"invalid_token\"", bare.Response.Headers.WWWAuthenticate.ToString());
        Assert.Equal("Bearer", challenged.Response.Headers.WWWAuthenticate.ToString());
        Assert.Equal("Authentication required", JsonDocument.Parse(Body(bare)).RootElement.GetProperty("detail").GetString());
        Assert.Empty(bare.Response.Headers.ETag.ToString());
        Assert.Throws<ArgumentNullException>(() => new ProblemResult(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => new ProblemResult(ApiProblem.NotFound).ExecuteAsync(null!));
    }

    [Fact]
    public void Validation_errors_go_out_with_the_problem()
    {
        var body = ProblemBody.Of(ApiProblem.ValidationFailed, errors: new Dictionary<string, string[]> { ["quantity"] = ["must be 1-99"] });

        Assert.Equal("The request is not valid", body.Detail);
        Assert.Equal(["must be 1-99"], body.Errors!["quantity"]);
        Assert.Throws<ArgumentNullException>(() => ProblemBody.Of(null!));
    }

    private static HttpRequest Request(params (string Name, string Value)[] headers)
    {
        var request = new DefaultHttpContext().Request;
        foreach (var (name, value) in headers)
        {
            request.Headers[name] = value;
        }

        return request;
    }

    private static async Task<DefaultHttpContext> ExecuteAsync(ProblemResult result)
    {
        var http = new DefaultHttpContext();
        http.Response.Body = new MemoryStream();
        await result.ExecuteAsync(http);
        return http;
    }

    private static string Body(DefaultHttpContext http) =>
        System.Text.Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray());
}
