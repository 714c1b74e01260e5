using System.Net;
using CartOrders.Application.Ports;
using CartOrders.Server.Tests.Fixtures;
using CartOrders.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CartOrders.Server.Tests;

/// <summary>What a client sees when the store misbehaves: a 503 to retry, or a 500 that gives nothing away.</summary>
public sealed class StoreFaultTests
{
    public enum Fault
    {
        ConflictOnEveryAppend,
        Busy,
        Crash,
    }

    [Fact]
    public async Task Endless_write_conflicts_are_503_contention_with_retry_after()
    {
        await using var factory = WithFault(Fault.ConflictOnEveryAppend);
        var alice = await ApiUser.CreateAsync(factory, "alice");

        using var response = await alice.PostAsync("/api/carts");

        await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "contention");
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_throttling_store_is_503_store_busy_with_its_retry_after()
    {
        await using var factory = WithFault(Fault.Busy);
        var alice = await ApiUser.CreateAsync(factory, "alice");

        using var response = await alice.PostAsync("/api/carts");

        await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "store-busy");
        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task An_unexpected_failure_is_a_500_problem_with_a_trace_id_and_no_internals()
    {
        await using var factory = WithFault(Fault.Crash);
        var alice = await ApiUser.CreateAsync(factory, "alice");

        using var response = await alice.GetAsync("/api/carts/some-cart");

        var problem = await response.AssertProblemAsync(HttpStatusCode.InternalServerError, "internal-error");
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
        Assert.DoesNotContain("secret", problem.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("FaultyStore", problem.ToString(), StringComparison.Ordinal);
    }

    private static ServerFactory WithFault(Fault fault) =>
        new(services: services => services.AddSingleton<IEventStore>(sp => new FaultyStore(sp.GetRequiredService<SqliteEventStore>(), fault)));

    private sealed class FaultyStore(IEventStore inner, Fault fault) : IEventStore
    {
        public Task<AppendResult> AppendAsync(AppendRequest request, CancellationToken cancellationToken = default) => fault switch
        {
            Fault.ConflictOnEveryAppend => throw new WrongExpectedVersionException(request.StreamId, request.ExpectedVersion, request.ExpectedVersion + 1),
            Fault.Busy => throw new StoreBusyException(TimeSpan.FromSeconds(3)),
            _ => inner.AppendAsync(request, cancellationToken),
        };

        public Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamId, long fromVersion = 1, long toVersion = long.MaxValue, CancellationToken cancellationToken = default) =>
            inner.ReadStreamAsync(streamId, fromVersion, toVersion, cancellationToken);

        public Task<Snapshot?> ReadSnapshotAsync(string streamId, CancellationToken cancellationToken = default) =>
            fault == Fault.Crash && streamId.StartsWith("cart-", StringComparison.Ordinal)
                ? throw new InvalidOperationException("secret connection string leaked in a message")
                : inner.ReadSnapshotAsync(streamId, cancellationToken);

        public Task<IdempotencyRecord?> FindIdempotencyAsync(string streamId, string key, CancellationToken cancellationToken = default) =>
            inner.FindIdempotencyAsync(streamId, key, cancellationToken);
    }
}
