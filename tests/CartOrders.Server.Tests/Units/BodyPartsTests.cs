using System.Text;
using System.Text.Json;
using CartOrders.Api.Http;
using CartOrders.Api.Problems;
using Microsoft.AspNetCore.Http;

namespace CartOrders.Server.Tests.Units;

/// <summary>The request body's parts on their own: reading the bytes, parsing one JSON object, and reading its fields.</summary>
public sealed class BodyPartsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void A_text_field_is_trimmed_and_checked_against_its_length_and_for_control_characters()
    {
        var fields = Fields("""{"name":"  Weekend  ","code":"ab","tiny":"","long":"abcdef","tab":"a\tb","exact":"abcd"}""");

        Assert.Equal("Weekend", fields.Text("name", 10));
        Assert.Equal("ab", fields.Text("code", 2, minLength: 2));
        Assert.Null(fields.Text("tiny", 5));
        Assert.Null(fields.Text("long", 5));
        Assert.Null(fields.Text("tab", 5));
        Assert.Null(fields.Text("exact", 3, minLength: 3));
        Assert.Equal(
            new Dictionary<string, string[]>
            {
                ["tiny"] = ["Must be 1-5 characters."],
                ["long"] = ["Must be 1-5 characters."],
                ["tab"] = ["Must not contain control characters."],
                ["exact"] = ["Must be 3 characters."],
            },
            Errors(fields));
    }

    [Fact]
    public void A_text_field_at_either_end_of_its_length_is_taken()
    {
        var fields = Fields("""{"one":"a","five":"abcde"}""");

        Assert.Equal("a", fields.Text("one", 5));
        Assert.Equal("abcde", fields.Text("five", 5));
        Assert.True(fields.IsValid);
    }

    [Fact]
    public void A_text_field_with_a_rule_is_taken_when_the_rule_holds()
    {
        var fields = Fields("""{"country":" NL ","other":"nl"}""");

        Assert.Equal("NL", fields.Text("country", v => v == "NL", "Must be NL."));
        Assert.Null(fields.Text("other", v => v == "NL", "Must be NL."));
        Assert.Null(fields.Text("missing", v => true, "Must be there."));
        Assert.Equal(new Dictionary<string, string[]> { ["other"] = ["Must be NL."], ["missing"] = ["Required."] }, Errors(fields));
        Assert.Throws<ArgumentNullException>(() => fields.Text("country", null!, "rule"));
    }

    [Fact]
    public void Missing_null_and_mistyped_fields_say_what_they_must_be()
    {
        var fields = Fields("""{"text":1,"id":true,"count":"1","flag":"yes","list":"a","nested":[],"absent":null}""");

        Assert.Null(fields.Text("text", 10));
        Assert.Null(fields.Id("id"));
        Assert.Null(fields.WholeNumber("count"));
        Assert.Null(fields.Flag("flag"));
        Assert.Null(fields.OptionalTexts("list"));
        Assert.Null(fields.Nested("nested"));
        Assert.Null(fields.Text("absent", 10));
        Assert.Null(fields.Flag("gone"));
        Assert.Equal(
            new Dictionary<string, string[]>
            {
                ["text"] = ["Must be a string."],
                ["id"] = ["Must be a string."],
                ["count"] = ["Must be an integer."],
                ["flag"] = ["Must be true or false."],
                ["list"] = ["Must be an array of strings."],
                ["nested"] = ["Must be an object."],
                ["absent"] = ["Required."],
                ["gone"] = ["Required."],
            },
            Errors(fields));
    }

    [Fact]
    public void Ids_follow_the_id_rules()
    {
        var fields = Fields("""{"good":"Cart_1-x","bad":"a b","empty":""}""");

        Assert.Equal("Cart_1-x", fields.Id("good"));
        Assert.Null(fields.Id("bad"));
        Assert.Null(fields.Id("empty"));
        Assert.Equal(["Must be 1-64 characters of A-Z, a-z, 0-9, '_' or '-'."], Errors(fields)["bad"]);
        Assert.Equal(2, Errors(fields).Count);
    }

    [Fact]
    public void Whole_numbers_are_read_exactly_and_fractions_refused()
    {
        var fields = Fields("""{"small":3,"exponent":2e1,"huge":1e400,"negative":-1e400,"fraction":1.5}""");

        Assert.Equal(3, fields.WholeNumber("small"));
        Assert.Equal(20, fields.WholeNumber("exponent"));
        Assert.Equal(int.MaxValue, fields.WholeNumber("huge"));
        Assert.Equal(int.MinValue, fields.WholeNumber("negative"));
        Assert.Null(fields.WholeNumber("fraction"));
        Assert.Equal(new Dictionary<string, string[]> { ["fraction"] = ["Must be an integer."] }, Errors(fields));
    }

    [Fact]
    public void Flags_and_optional_lists_read_their_values()
    {
        var fields = Fields("""{"yes":true,"no":false,"tags":["a","b"],"none":null,"mixed":["a",1]}""");

        Assert.True(fields.Flag("yes"));
        Assert.False(fields.Flag("no"));
        Assert.Equal(["a", "b"], fields.OptionalTexts("tags"));
        Assert.Empty(fields.OptionalTexts("none")!);
        Assert.Empty(fields.OptionalTexts("absent")!);
        Assert.Null(fields.OptionalTexts("mixed"));
        Assert.Equal(new Dictionary<string, string[]> { ["mixed"] = ["Must be an array of strings."] }, Errors(fields));
    }

    [Fact]
    public void Has_is_true_only_for_a_field_with_a_value()
    {
        var fields = Fields("""{"a":1,"b":null,"C":""}""");

        Assert.True(fields.Has("a"));
        Assert.False(fields.Has("b"));
        Assert.True(fields.Has("c"));
        Assert.False(fields.Has("d"));
        Assert.False(JsonFields.Of(null).Has("a"));
        Assert.False(JsonFields.Of(JsonDocument.Parse("[1]").RootElement).Has("a"));
    }

    [Fact]
    public void Names_match_regardless_of_case_and_an_exact_match_wins()
    {
        var fields = Fields("""{"Quantity":2,"productId":"x","PRODUCTID":"y"}""");

        Assert.Equal(2, fields.WholeNumber("quantity"));
        Assert.Equal("x", fields.Id("productId"));
        Assert.Equal("y", fields.Id("PRODUCTID"));
        Assert.Equal("x", fields.Id("ProductId"));
    }

    [Fact]
    public void Nested_fields_report_under_their_path_and_one_problem_lists_every_field()
    {
        var fields = Fields("""{"address":{"city":"","zip":"1234"}}""");

        var address = fields.Nested("address")!;
        Assert.Null(address.Text("city", 10));
        Assert.Null(address.Text("street", 10));
        fields.Fail<string>("address.city", "Also wrong.");
        Assert.False(fields.IsValid);
        Assert.False(address.IsValid);

        var error = Assert.Throws<ProblemException>(fields.ThrowIfInvalid);
        Assert.Same(ApiProblem.ValidationFailed, error.Problem);
        Assert.Equal("One or more fields are not valid: address.city, address.street.", error.Detail);
        Assert.Equal(
            new Dictionary<string, string[]> { ["address.city"] = ["Must be 1-10 characters.", "Also wrong."], ["address.street"] = ["Required."] },
            new Dictionary<string, string[]>(error.Errors!));
    }

    [Fact]
    public void A_body_without_fields_reads_as_an_empty_object_and_valid_fields_throw_nothing()
    {
        var empty = JsonFields.Of(null);
        var valid = Fields("""{"a":"b"}""");

        Assert.True(empty.IsValid);
        Assert.Null(empty.Text("a", 5));
        Assert.Equal("b", valid.Text("a", 5));
        valid.ThrowIfInvalid();
        Assert.True(valid.IsValid);
    }

    [Theory]
    [InlineData("application/json", true)]
    [InlineData("APPLICATION/JSON", true)]
    [InlineData("application/json; charset=utf-8", true)]
    [InlineData("application/json; charset=UTF8", true)]
    [InlineData("application/merge-patch+json", true)]
    [InlineData("Application/Problem+JSON", true)]
    [InlineData("application/json; charset=utf-16", false)]
    [InlineData("application/jsonx", false)]
    [InlineData("text/json", false)]
    [InlineData("text/plain+json", false)]
    [InlineData("application/xml", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("not a media type", false)]
    public void Only_JSON_in_UTF_8_is_a_JSON_body(string? contentType, bool json) =>
        Assert.Equal(json, RequestBodies.IsJson(contentType));

    [Fact]
    public async Task A_body_is_read_whole_whatever_its_framing()
    {
        var bytes = Encoding.UTF8.GetBytes(new string('a', 5000));

        Assert.Equal(bytes, await RequestBodies.ReadAsync(Body(bytes, declared: true), Ct));
        Assert.Equal(bytes, await RequestBodies.ReadAsync(Body(bytes, declared: false, chunk: 7), Ct));
        Assert.Equal(bytes, await RequestBodies.ReadAsync(Body(bytes, declared: false, chunk: 4096), Ct));
        Assert.Empty(await RequestBodies.ReadAsync(Body([], declared: false, contentType: null), Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => RequestBodies.ReadAsync(null!, Ct));
    }

    [Fact]
    public async Task A_body_of_exactly_64_KiB_is_read_and_one_byte_more_is_too_large()
    {
        var limit = new byte[RequestBodies.MaxBytes];
        var over = new byte[RequestBodies.MaxBytes + 1];

        Assert.Equal(RequestBodies.MaxBytes, (await RequestBodies.ReadAsync(Body(limit, declared: true), Ct)).Length);
        Assert.Equal(RequestBodies.MaxBytes, (await RequestBodies.ReadAsync(Body(limit, declared: false, chunk: 1000), Ct)).Length);
        await AssertTooLargeAsync(Body(over, declared: true));
        await AssertTooLargeAsync(Body(over, declared: false, chunk: 1000));
        await AssertTooLargeAsync(Body(over, declared: false, chunk: 65536));
    }

    [Fact]
    public async Task A_declared_length_over_the_limit_is_refused_before_reading()
    {
        var request = Body([1, 2, 3], declared: true);
        request.ContentLength = RequestBodies.MaxBytes + 1;

        await AssertTooLargeAsync(request);
        Assert.Equal(0, request.Body.Position);
    }

    [Fact]
    public async Task The_servers_own_body_limit_answers_as_too_large()
    {
        var request = new DefaultHttpContext().Request;
        request.ContentType = "application/json";
        request.Body = new FailingStream(new BadHttpRequestException("too large", StatusCodes.Status413PayloadTooLarge));
        var other = new DefaultHttpContext().Request;
        other.ContentType = "application/json";
        other.Body = new FailingStream(new BadHttpRequestException("bad", StatusCodes.Status400BadRequest));

        await AssertTooLargeAsync(request);
        await Assert.ThrowsAsync<BadHttpRequestException>(() => RequestBodies.ReadAsync(other, Ct));
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_is_415()
    {
        var error = await Assert.ThrowsAsync<ProblemException>(() => RequestBodies.ReadAsync(Body("{}"u8.ToArray(), declared: true, contentType: "text/plain"), Ct));

        Assert.Same(ApiProblem.UnsupportedMediaType, error.Problem);
        Assert.Equal("Request bodies must be application/json (UTF-8).", error.Detail);
    }

    [Fact]
    public void An_empty_body_is_refused_only_where_one_is_required()
    {
        var error = Assert.Throws<ProblemException>(() => RequestBodies.ParseObject(ReadOnlyMemory<byte>.Empty, required: true));

        Assert.Null(RequestBodies.ParseObject(ReadOnlyMemory<byte>.Empty, required: false));
        Assert.Same(ApiProblem.MalformedJson, error.Problem);
        Assert.Equal("A JSON body is required.", error.Detail);
    }

    [Theory]
    [InlineData("""{"a":[1,{"b":"c"}],"d":null}""")]
    [InlineData("""{"\ud83d\ude00":"\ud83d\ude00"}""")]
    public void A_JSON_object_is_parsed(string json)
    {
        var parsed = RequestBodies.ParseObject(Encoding.UTF8.GetBytes(json), required: true);

        Assert.Equal(JsonValueKind.Object, parsed!.Value.ValueKind);
        Assert.Equal(JsonDocument.Parse(json).RootElement.GetRawText(), parsed.Value.GetRawText());
    }

    [Theory]
    [InlineData("""{"a":"\ud800"}""")]
    [InlineData("""{"a":["x","\udc00"]}""")]
    [InlineData("""{"a":{"b":"\ud800"}}""")]
    [InlineData("""{"\ud800":1}""")]
    public void A_lone_surrogate_escape_anywhere_is_malformed(string json)
    {
        var error = Assert.Throws<ProblemException>(() => RequestBodies.ParseObject(Encoding.UTF8.GetBytes(json), required: true));

        Assert.Same(ApiProblem.MalformedJson, error.Problem);
        Assert.Equal("The body holds a \\u escape that is not valid Unicode (a lone surrogate).", error.Detail);
    }

    [Fact]
    public void Invalid_UTF_8_and_invalid_JSON_are_malformed_and_a_body_that_is_no_object_is_invalid()
    {
        var utf8 = Assert.Throws<ProblemException>(() => RequestBodies.ParseObject(new byte[] { (byte)'"', 0xC3, 0x28, (byte)'"' }, required: true));
        var json = Assert.Throws<ProblemException>(() => RequestBodies.ParseObject("{\"a\":}"u8.ToArray(), required: true));
        var array = Assert.Throws<ProblemException>(() => RequestBodies.ParseObject("[1]"u8.ToArray(), required: false));

        Assert.Same(ApiProblem.MalformedJson, utf8.Problem);
        Assert.Equal("The body is not valid UTF-8.", utf8.Detail);
        Assert.Same(ApiProblem.MalformedJson, json.Problem);
        Assert.StartsWith("The body is not valid JSON: ", json.Detail, StringComparison.Ordinal);
        Assert.True(json.Detail.Length > "The body is not valid JSON: ".Length);
        Assert.Same(ApiProblem.ValidationFailed, array.Problem);
        Assert.Equal("The body must be a JSON object.", array.Detail);
        Assert.Equal(new Dictionary<string, string[]> { ["$"] = ["Must be a JSON object."] }, new Dictionary<string, string[]>(array.Errors!));
    }

    private static async Task AssertTooLargeAsync(HttpRequest request)
    {
        var error = await Assert.ThrowsAsync<ProblemException>(() => RequestBodies.ReadAsync(request, Ct));

        Assert.Same(ApiProblem.PayloadTooLarge, error.Problem);
        Assert.Equal("Request bodies are limited to 64 KiB.", error.Detail);
    }

    private static JsonFields Fields(string json) => JsonFields.Of(JsonDocument.Parse(json).RootElement.Clone());

    private static Dictionary<string, string[]> Errors(JsonFields fields)
    {
        var error = Assert.Throws<ProblemException>(fields.ThrowIfInvalid);
        return new Dictionary<string, string[]>(error.Errors!);
    }

    private static HttpRequest Body(byte[] bytes, bool declared, int chunk = int.MaxValue, string? contentType = "application/json")
    {
        var request = new DefaultHttpContext().Request;
        request.ContentType = contentType;
        request.Body = new ChunkedStream(bytes, chunk);
        if (declared)
        {
            request.ContentLength = bytes.Length;
        }

        return request;
    }

    /// <summary>A body that arrives in pieces of at most <c>chunk</c> bytes, as a chunked request does.</summary>
    private sealed class ChunkedStream(byte[] bytes, int chunk) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }

    private sealed class FailingStream(Exception error) : MemoryStream
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException<int>(error);
    }
}
