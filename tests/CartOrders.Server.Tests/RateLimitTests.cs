using System.Net;
using CartOrders.Server.Tests.Fixtures;

namespace CartOrders.Server.Tests;

public sealed class RateLimitTests(ServerFixture server)
{
    [Fact]
    public async Task Commands_past_the_limit_are_429_rate_limited_with_retry_after_per_user()
    {
        await using var factory = new ServerFactory(new Dictionary<string, string?>
        {
            ["RateLimiting:PermitsPerSecond"] = "1",
            ["RateLimiting:Burst"] = "3",
        });
        var alice = await ApiUser.CreateAsync(factory, "alice");
        var bob = await ApiUser.CreateAsync(factory, "bob");

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 6 && limited is null; i++)
        {
            var response = await alice.PostAsync("/api/carts");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.NotNull(limited);
        using (limited)
        {
            Assert.True(statuses.Count(s => s == HttpStatusCode.Created) >= 3, string.Join(", ", statuses));
            await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate-limited");
            Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        }

        using var bobsCommand = await bob.PostAsync("/api/carts");
        Assert.Equal(HttpStatusCode.Created, bobsCommand.StatusCode);

        for (var i = 0; i < 10; i++)
        {
            using var read = await alice.GetAsync("/api/carts");
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }
    }

    [Fact]
    public async Task A_burst_of_100_commands_from_one_user_is_served_by_default()
    {
        var alice = await server.UserAsync("alice");

        var statuses = await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ =>
        {
            using var response = await alice.PostAsync("/api/carts");
            return response.StatusCode;
        }));

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Created, s));
    }
}
