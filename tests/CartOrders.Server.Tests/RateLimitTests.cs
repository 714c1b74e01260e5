using System.Diagnostics;
using System.Net;
using CartOrders.Api.RateLimiting;
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

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 3)]
    [InlineData(50, 100)]
    [InlineData(100, 200)]
    [InlineData(1_000, 5)]
    public void The_bucket_refills_at_exactly_the_configured_sustained_rate(int permitsPerSecond, int burst)
    {
        var bucket = CommandRateLimiting.Bucket(new CommandRateLimitOptions { PermitsPerSecond = permitsPerSecond, Burst = burst });

        // The period is whole ticks (100 ns), so the rate is exact only to a few parts in a million.
        var rate = bucket.TokensPerPeriod / bucket.ReplenishmentPeriod.TotalSeconds;
        Assert.InRange(rate, permitsPerSecond * 0.9999, permitsPerSecond * 1.0001);
        Assert.InRange(bucket.ReplenishmentPeriod, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1));
        Assert.Equal(burst, bucket.TokenLimit);
        Assert.Equal(0, bucket.QueueLimit);
        Assert.True(bucket.AutoReplenishment);
    }

    [Fact]
    public void The_default_limits_are_100_commands_per_second_with_bursts_of_200()
    {
        var defaults = new CommandRateLimitOptions();

        Assert.Equal((100, 200), (defaults.PermitsPerSecond, defaults.Burst));
    }

    /// <summary>
    /// One command a second, bursts of one: after the first command the next is refused until a
    /// second has passed, then accepted. The limiter refills on the wall clock (it takes no
    /// TimeProvider), so the test reasons from a stopwatch started before the user's first command:
    /// the user's bucket cannot exist before it, so no token can come back before one second on it.
    /// </summary>
    [Fact]
    public async Task A_user_at_the_sustained_rate_is_refused_until_the_period_has_passed_then_accepted()
    {
        await using var factory = new ServerFactory(new Dictionary<string, string?>
        {
            ["RateLimiting:PermitsPerSecond"] = "1",
            ["RateLimiting:Burst"] = "1",
        });
        var alice = await ApiUser.CreateAsync(factory, "alice");
        using (var warmUp = await (await ApiUser.CreateAsync(factory, "bob")).PostAsync("/api/carts"))
        {
            Assert.Equal(HttpStatusCode.Created, warmUp.StatusCode);
        }

        var clock = Stopwatch.StartNew();
        using (var first = await alice.PostAsync("/api/carts"))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        using (var refused = await alice.PostAsync("/api/carts"))
        {
            await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate-limited");
            Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        }

        // Still refused shortly after, and accepted once the period has passed: every command
        // answered before the second is up must be refused; the first accepted one comes after it.
        var refusals = 1;
        TimeSpan acceptedAt = default;
        await Eventually.TrueAsync(
            async () =>
            {
                using var response = await alice.PostAsync("/api/carts");
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    refusals++;
                    return false;
                }

                acceptedAt = clock.Elapsed;
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                return true;
            },
            TimeSpan.FromSeconds(5),
            because: "a command a second later should be accepted");

        Assert.True(acceptedAt >= TimeSpan.FromSeconds(1), $"accepted {acceptedAt.TotalMilliseconds:F0} ms after the first command, before the one-second period");
        Assert.True(refusals >= 2, $"{refusals} refusals");
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
