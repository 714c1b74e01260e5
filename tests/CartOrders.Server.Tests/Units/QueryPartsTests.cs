using System.Text.Json;
using CartOrders.Api.Http;
using CartOrders.Api.Problems;
using CartOrders.Application.Ports;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace CartOrders.Server.Tests.Units;

/// <summary>
/// The request's small parts on their own: integers in JSON text, a point in time, the paging of
/// lists and the ids of a path. Each is reached by many HTTP tests too; these pin every boundary.
/// </summary>
public sealed class QueryPartsTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("-0", 0)]
    [InlineData("0.000", 0)]
    [InlineData("0e1000000000", 0)]
    [InlineData("7", 7)]
    [InlineData("-7", -7)]
    [InlineData("1000", 1000)]
    [InlineData("1.0", 1)]
    [InlineData("1.50e1", 15)]
    [InlineData("2e1", 20)]
    [InlineData("2E+1", 20)]
    [InlineData("200e-2", 2)]
    [InlineData("-200E-2", -2)]
    [InlineData("5e-0", 5)]
    [InlineData("1e+0000000000002", 100)]
    [InlineData("0012", 12)]
    [InlineData("1e9", 1_000_000_000)]
    [InlineData("2147483647", int.MaxValue)]
    [InlineData("-2147483648", int.MinValue)]
    [InlineData("2147483648", int.MaxValue)]
    [InlineData("-2147483649", int.MinValue)]
    [InlineData("9999999999", int.MaxValue)]
    [InlineData("-9999999999", int.MinValue)]
    [InlineData("12345678901", int.MaxValue)]
    [InlineData("-12345678901", int.MinValue)]
    [InlineData("1e10", int.MaxValue)]
    [InlineData("-1e10", int.MinValue)]
    [InlineData("1e1000000000", int.MaxValue)]
    [InlineData("-1e99999999999", int.MinValue)]
    [InlineData("123.4500e2", 12345)]
    public void A_JSON_integer_is_read_exactly_and_clamped_to_the_range_of_int(string number, int expected)
    {
        Assert.True(JsonIntegers.TryClamp(number, out var clamped));
        Assert.Equal(expected, clamped);
    }

    [Theory]
    [InlineData("0.5")]
    [InlineData("-1.5")]
    [InlineData("25e-1")]
    [InlineData("1e-1")]
    [InlineData("1e-1000000000")]
    [InlineData("123.456e2")]
    public void A_JSON_number_with_a_fraction_is_no_integer(string number)
    {
        Assert.False(JsonIntegers.TryClamp(number, out var clamped));
        Assert.Equal(0, clamped);
    }

    [Fact]
    public void A_JSON_integer_must_be_given() =>
        Assert.Throws<ArgumentNullException>(() => JsonIntegers.TryClamp(null!, out _));

    [Theory]
    [InlineData("atVersion=1", 1L)]
    [InlineData("atVersion=42", 42L)]
    [InlineData("atVersion=9223372036854775807", long.MaxValue)]
    public void AtVersion_names_a_version(string query, long version) =>
        Assert.Equal(new PointInTime(version, null), PointInTime.Of(Request(query)));

    [Theory]
    [InlineData("at=2026-03-01T09:30:00Z", "2026-03-01T09:30:00+00:00")]
    [InlineData("at=2026-03-01t09:30:00z", "2026-03-01T09:30:00+00:00")]
    [InlineData("at=2026-03-01T09:30:00.1234567%2B02:00", "2026-03-01T09:30:00.1234567+02:00")]
    [InlineData("at=2026-03-01T09:30:00.5-05:30", "2026-03-01T09:30:00.5-05:30")]
    public void At_names_a_moment_with_its_offset(string query, string moment) =>
        Assert.Equal(new PointInTime(null, DateTimeOffset.Parse(moment, System.Globalization.CultureInfo.InvariantCulture)), PointInTime.Of(Request(query)));

    [Fact]
    public void A_read_without_either_is_of_the_current_state()
    {
        Assert.Null(PointInTime.Of(Request("")));
        Assert.Null(PointInTime.Of(Request("other=1")));
        Assert.Throws<ArgumentNullException>(() => PointInTime.Of(null!));
    }

    [Theory]
    [InlineData("atVersion=0")]
    [InlineData("atVersion=-1")]
    [InlineData("atVersion=%2B1")]
    [InlineData("atVersion=%201")]
    [InlineData("atVersion=1.0")]
    [InlineData("atVersion=")]
    [InlineData("atVersion=x")]
    [InlineData("atVersion=9223372036854775808")]
    [InlineData("atVersion=1&atVersion=2")]
    public void Any_other_atVersion_is_invalid(string query)
    {
        var error = Assert.Throws<ProblemException>(() => PointInTime.Of(Request(query)));

        AssertInvalid(error, "atVersion", "atVersion must be a positive integer.", "Must be a positive integer.");
    }

    [Theory]
    [InlineData("at=2026-03-01T09:30:00")]
    [InlineData("at=2026-03-01")]
    [InlineData("at=2026-03-01 09:30:00Z")]
    [InlineData("at=2026-03-01T09:30Z")]
    [InlineData("at=2026-03-01T09:30:00.12345678Z")]
    [InlineData("at=2026-03-01T09:30:00.Z")]
    [InlineData("at=2026-03-01T09:30:00%2B0200")]
    [InlineData("at=x2026-03-01T09:30:00Z")]
    [InlineData("at=2026-03-01T09:30:00Zx")]
    [InlineData("at=2026-02-30T09:30:00Z")]
    [InlineData("at=")]
    [InlineData("at=2026-03-01T09:30:00Z&at=2026-03-02T09:30:00Z")]
    public void Any_other_at_is_invalid(string query)
    {
        var error = Assert.Throws<ProblemException>(() => PointInTime.Of(Request(query)));

        AssertInvalid(error, "at", "at must be an RFC 3339 date-time with an offset, e.g. 2026-03-01T09:30:00Z.", "Must be an RFC 3339 date-time with an offset.");
    }

    [Fact]
    public void AtVersion_and_at_together_are_invalid()
    {
        var error = Assert.Throws<ProblemException>(() => PointInTime.Of(Request("atVersion=1&at=2026-03-01T09:30:00Z")));

        AssertInvalid(error, "at", "Give atVersion or at, not both.", "Not with atVersion.");
    }

    [Theory]
    [InlineData("", 50, false)]
    [InlineData("other=3", 50, false)]
    [InlineData("limit=1", 1, true)]
    [InlineData("limit=200", 200, true)]
    [InlineData("limit=007", 7, true)]
    public void A_list_reads_its_limit_and_is_enveloped_when_paging_was_asked_for(string query, int limit, bool enveloped)
    {
        var request = ListPaging.Read(Http(query), "alice", "carts");

        Assert.Equal(new ListRequest(new PageRequest(limit, null), enveloped), request);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=201")]
    [InlineData("limit=-1")]
    [InlineData("limit=%2B5")]
    [InlineData("limit=%205")]
    [InlineData("limit=5.0")]
    [InlineData("limit=")]
    [InlineData("limit=99999999999")]
    [InlineData("limit=5&limit=6")]
    public void Any_other_limit_is_invalid(string query)
    {
        var error = Assert.Throws<ProblemException>(() => ListPaging.Read(Http(query), "alice", "carts"));

        AssertInvalid(error, "limit", "limit must be an integer from 1 to 200.", "Must be an integer from 1 to 200.");
    }

    [Fact]
    public void A_continuation_resumes_its_own_list_for_its_own_caller_only()
    {
        var services = Services();
        var token = NextToken(services, "alice", "carts", "store-position-7");

        var resumed = ListPaging.Read(Http("continuation=" + token, services), "alice", "carts");

        Assert.Equal(new ListRequest(new PageRequest(50, "store-position-7"), true), resumed);
        AssertInvalidContinuation(() => ListPaging.Read(Http("continuation=" + token, services), "bob", "carts"), "The continuation belongs to another list or caller.");
        AssertInvalidContinuation(() => ListPaging.Read(Http("continuation=" + token, services), "alice", "orders"), "The continuation belongs to another list or caller.");
    }

    [Fact]
    public void A_continuation_that_was_changed_or_is_not_one_token_reads_nothing()
    {
        var services = Services();
        var token = NextToken(services, "alice", "carts", "p");
        var changed = token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];
        var notIssued = "continuation=" + WebEncoders.Base64UrlEncode("[\"alice\",\"carts\",\"p\"]"u8);

        AssertInvalidContinuation(() => ListPaging.Read(Http("continuation=" + changed, services), "alice", "carts"), "The continuation is not a token this server issued, or it was changed.");
        AssertInvalidContinuation(() => ListPaging.Read(Http(notIssued, services), "alice", "carts"), "The continuation is not a token this server issued, or it was changed.");
        AssertInvalidContinuation(() => ListPaging.Read(Http("continuation=%25%25", services), "alice", "carts"), "The continuation is not a token this server issued, or it was changed.");
        AssertInvalidContinuation(() => ListPaging.Read(Http("continuation=", services), "alice", "carts"), "continuation must be one token from a previous page of this list.");
        AssertInvalidContinuation(() => ListPaging.Read(Http($"continuation={token}&continuation={token}", services), "alice", "carts"), "continuation must be one token from a previous page of this list.");
        AssertInvalidContinuation(() => ListPaging.Read(Http("continuation=" + new string('A', 8193), services), "alice", "carts"), "continuation must be one token from a previous page of this list.");
        Assert.Throws<ArgumentNullException>(() => ListPaging.Read(null!, "alice", "carts"));
    }

    [Fact]
    public void A_continuation_of_the_longest_length_is_read_as_a_token()
    {
        // 8192 characters pass the length check and fail only as a token this server did not issue.
        AssertInvalidContinuation(
            () => ListPaging.Read(Http("continuation=" + new string('A', 8192), Services()), "alice", "carts"),
            "The continuation is not a token this server issued, or it was changed.");
    }

    [Fact]
    public void A_page_with_more_links_the_next_keeping_the_other_parameters()
    {
        var http = Http("status=placed&status=paid&limit=2", Services());
        http.Request.PathBase = "/base";
        http.Request.Path = "/api/orders";

        var result = ListPaging.Answer(http, "alice", "orders", new ListRequest(new PageRequest(2, null), true), new Page<string>(["a", "b"], "next-position"));

        var page = Assert.IsType<Ok<PagedList<string>>>(result).Value!;
        Assert.Equal(["a", "b"], page.Items);
        Assert.NotNull(page.Continuation);
        var link = http.Response.Headers["Link"].ToString();
        Assert.Equal(
            $"</base/api/orders?status=placed&status=paid&limit=2&continuation={page.Continuation}>; rel=\"next\"",
            link);
        var resumed = ListPaging.Read(Http("continuation=" + page.Continuation, http.RequestServices), "alice", "orders");
        Assert.Equal("next-position", resumed.Page.After);
    }

    [Fact]
    public void The_last_page_has_no_link_and_a_list_without_paging_is_a_bare_array()
    {
        var enveloped = Http("limit=5", Services());
        var bare = Http("", Services());

        var last = ListPaging.Answer(enveloped, "alice", "carts", new ListRequest(new PageRequest(5, null), true), new Page<string>(["a"], null));
        var array = ListPaging.Answer(bare, "alice", "carts", new ListRequest(new PageRequest(50, null), false), new Page<string>(["a"], null));

        var lastPage = Assert.IsType<Ok<PagedList<string>>>(last).Value!;
        Assert.Equal(["a"], lastPage.Items);
        Assert.Null(lastPage.Continuation);
        Assert.Equal(["a"], Assert.IsType<Ok<IReadOnlyList<string>>>(array).Value);
        Assert.False(enveloped.Response.Headers.ContainsKey("Link"));
        Assert.Throws<ArgumentNullException>(() => ListPaging.Answer<string>(null!, "alice", "carts", default, new Page<string>([], null)));
        Assert.Throws<ArgumentNullException>(() => ListPaging.Answer<string>(bare, "alice", "carts", default, null!));
    }

    [Fact]
    public async Task A_store_that_cannot_resume_from_a_continuation_answers_invalid_continuation()
    {
        var page = await ListPaging.ReadAsync(() => Task.FromResult(new Page<int>([1], null)));
        var error = await Assert.ThrowsAsync<ProblemException>(() =>
            ListPaging.ReadAsync<int>(() => throw new InvalidContinuationException("not mine")));

        Assert.Equal([1], page.Items);
        Assert.Same(ApiProblem.InvalidContinuation, error.Problem);
        Assert.Equal("The continuation is not one this list can resume from.", error.Detail);
        await Assert.ThrowsAsync<ArgumentNullException>(() => ListPaging.ReadAsync<int>(null!));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("Cart_42-x")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123")]
    public void A_path_id_of_1_to_64_id_characters_is_taken(string id)
    {
        Assert.Equal(id, PathIds.Cart(id).Value);
        Assert.Equal(id, PathIds.Order(id).Value);
        Assert.Equal(id, PathIds.Product(id).Value);
        Assert.Equal(id, PathIds.User(id).Value);
        Assert.Equal(id, PathIds.Connection(id));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("a.b")]
    [InlineData("01234567890123456789012345678901234567890123456789012345678901234")]
    public void Any_other_path_id_is_400_invalid_id_naming_the_parameter(string? id)
    {
        foreach (var (name, parse) in new (string, Action)[]
        {
            ("cartId", () => PathIds.Cart(id)),
            ("orderId", () => PathIds.Order(id)),
            ("productId", () => PathIds.Product(id)),
            ("userId", () => PathIds.User(id)),
            ("connectionId", () => PathIds.Connection(id)),
        })
        {
            var error = Assert.Throws<ProblemException>(parse);

            Assert.Same(ApiProblem.InvalidId, error.Problem);
            Assert.Equal($"The {name} in the path must be 1-64 characters of A-Z, a-z, 0-9, '_' or '-'.", error.Detail);
            Assert.Equal(["Not a valid id."], Assert.Single(error.Errors!, e => e.Key == name).Value);
        }
    }

    private static void AssertInvalid(ProblemException error, string name, string detail, string message)
    {
        Assert.Same(ApiProblem.ValidationFailed, error.Problem);
        Assert.Equal(detail, error.Detail);
        var field = Assert.Single(error.Errors!);
        Assert.Equal(name, field.Key);
        Assert.Equal([message], field.Value);
    }

    private static void AssertInvalidContinuation(Action read, string detail)
    {
        var error = Assert.Throws<ProblemException>(read);

        Assert.Same(ApiProblem.InvalidContinuation, error.Problem);
        Assert.Equal(detail, error.Detail);
    }

    private static string NextToken(IServiceProvider services, string userId, string list, string next)
    {
        var result = ListPaging.Answer(Http("", services), userId, list, new ListRequest(new PageRequest(1, null), true), new Page<int>([1], next));
        return Assert.IsType<Ok<PagedList<int>>>(result).Value!.Continuation!;
    }

    private static ServiceProvider Services() =>
        new ServiceCollection().AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider()).BuildServiceProvider();

    private static HttpRequest Request(string query) => Http(query).Request;

    private static DefaultHttpContext Http(string query, IServiceProvider? services = null)
    {
        var http = new DefaultHttpContext();
        http.Request.QueryString = new QueryString(query.Length == 0 ? "" : "?" + query);
        if (services is not null)
        {
            http.RequestServices = services;
        }

        return http;
    }
}
