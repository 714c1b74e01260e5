using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using CartOrders.Application.Ports;
using CartOrders.Testing;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CartOrders.Storage.Cosmos.Tests;

public sealed class CosmosRequestsTests
{
    private readonly CosmosRequests _requests = new(NullLogger<CosmosRequests>.Instance);

    [Fact]
    public async Task A_429_that_outlived_the_sdks_retries_is_a_busy_store_with_the_services_retry_after()
    {
        var throttled = new CosmosException("Request rate is large", HttpStatusCode.TooManyRequests, 3200, "activity", 2.5);
        throttled.Headers["x-ms-retry-after-ms"] = "1500";

        var busy = await Assert.ThrowsAsync<StoreBusyException>(
            () => _requests.RunAsync<ResponseMessage>("append", "events", () => throw throttled, CosmosRequests.Outcome));

        Assert.Equal(TimeSpan.FromMilliseconds(1500), busy.RetryAfter);
        Assert.Same(throttled, busy.InnerException);
    }

    /// <summary>A throttled stream response is a busy store too; a retry-after that is not a number suggests one second.</summary>
    [Theory]
    [InlineData("2000", 2000)]
    [InlineData("soon", 1000)]
    public async Task A_throttled_stream_response_is_a_busy_store_with_its_retry_after(string header, int expectedMs)
    {
        var response = new ResponseMessage(HttpStatusCode.TooManyRequests, null, "throttled");
        response.Headers["x-ms-retry-after-ms"] = header;

        var busy = await Assert.ThrowsAsync<StoreBusyException>(
            () => _requests.RunAsync("read-tip", "events", () => Task.FromResult(response), CosmosRequests.Outcome));

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), busy.RetryAfter);
        Assert.Null(CosmosRequests.Outcome(new ResponseMessage(HttpStatusCode.OK)).RetryAfter);
    }

    [Fact]
    public async Task A_throttle_without_a_retry_after_suggests_one_second()
    {
        var throttled = new CosmosException("Request rate is large", HttpStatusCode.TooManyRequests, 0, "activity", 0);

        var busy = await Assert.ThrowsAsync<StoreBusyException>(
            () => _requests.RunAsync<ResponseMessage>("append", "events", () => throw throttled, CosmosRequests.Outcome));

        Assert.Equal(TimeSpan.FromSeconds(1), busy.RetryAfter);
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    public async Task An_unavailable_or_timed_out_request_the_sdk_gave_up_on_is_a_busy_store(HttpStatusCode status)
    {
        var failed = new CosmosException("Service unavailable", status, 0, "activity", 0);
        var response = new ResponseMessage(status, null, "failed");

        var thrown = await Assert.ThrowsAsync<StoreBusyException>(
            () => _requests.RunAsync<ResponseMessage>("read-tip", "events", () => throw failed, CosmosRequests.Outcome));
        var answered = await Assert.ThrowsAsync<StoreBusyException>(
            () => _requests.RunAsync("append", "events", () => Task.FromResult(response), CosmosRequests.Outcome));

        Assert.Same(failed, thrown.InnerException);
        Assert.Equal(TimeSpan.FromSeconds(1), answered.RetryAfter);
    }

    [Fact]
    public async Task A_request_without_an_answer_within_the_request_timeout_is_a_busy_store()
    {
        var requests = new CosmosRequests(
            NullLogger<CosmosRequests>.Instance,
            Microsoft.Extensions.Options.Options.Create(new CosmosStoreOptions { RequestTimeout = TimeSpan.FromMilliseconds(50) }));
        var never = new TaskCompletionSource<ResponseMessage>();

        var busy = await Assert.ThrowsAsync<StoreBusyException>(
            () => requests.RunAsync("append", "events", () => never.Task, CosmosRequests.Outcome));

        Assert.IsType<TimeoutException>(busy.InnerException);
    }

    [Fact]
    public async Task Other_failures_pass_through_unchanged()
    {
        var conflict = new CosmosException("Conflict", HttpStatusCode.Conflict, 0, "activity", 1);

        var thrown = await Assert.ThrowsAsync<CosmosException>(
            () => _requests.RunAsync<ResponseMessage>("save", "leases", () => throw conflict, CosmosRequests.Outcome));

        Assert.Same(conflict, thrown);
    }

    [Fact]
    public async Task Every_request_records_its_charge_and_duration_tagged_by_operation_container_and_status_and_adds_the_charge_to_the_activity()
    {
        var operation = "test-" + Guid.NewGuid().ToString("N");
        var measured = new List<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "CartOrders" && instrument.Name.StartsWith("cartorders.cosmos.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            var map = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                map[tag.Key] = tag.Value;
            }

            if (Equals(map.GetValueOrDefault("operation"), operation))
            {
                lock (measured)
                {
                    measured.Add((instrument.Name, value, map));
                }
            }
        });
        listener.Start();
        using var activity = new Activity("command").Start();

        foreach (var charge in new[] { "5.25", "1" })
        {
            var response = new ResponseMessage(HttpStatusCode.OK);
            response.Headers["x-ms-request-charge"] = charge;
            using var answered = await _requests.RunAsync(operation, "events", () => Task.FromResult(response), CosmosRequests.Outcome);
        }

        var charges = measured.Where(m => m.Instrument == "cartorders.cosmos.request_charge").ToList();
        Assert.Equal([5.25, 1], charges.Select(m => m.Value));
        Assert.All(charges, m => Assert.Equal(("events", (object?)200), ((string)m.Tags["container"]!, m.Tags["status"])));
        Assert.Equal(2, measured.Count(m => m.Instrument == "cartorders.cosmos.duration"));
        Assert.Equal(6.25, activity.GetTagItem(CosmosRequests.RequestChargeTag));
    }

    [Fact]
    public async Task Every_request_is_logged_at_debug_with_its_operation_container_status_and_charge_whether_it_succeeded_failed_or_timed_out()
    {
        var log = new CapturingLogger<CosmosRequests>();
        var requests = new CosmosRequests(
            log,
            Microsoft.Extensions.Options.Options.Create(new CosmosStoreOptions { RequestTimeout = TimeSpan.FromMilliseconds(50) }));
        var answered = new ResponseMessage(HttpStatusCode.Created);
        answered.Headers["x-ms-request-charge"] = "7.5";
        var conflict = new CosmosException("Conflict", HttpStatusCode.Conflict, 0, "activity", 3.25);

        using (await requests.RunAsync("create-view", "views", () => Task.FromResult(answered), CosmosRequests.Outcome))
        {
        }

        await Assert.ThrowsAsync<CosmosException>(() => requests.RunAsync<ResponseMessage>("save", "leases", () => throw conflict, CosmosRequests.Outcome));
        await Assert.ThrowsAsync<StoreBusyException>(() => requests.RunAsync("append", "events", () => new TaskCompletionSource<ResponseMessage>().Task, CosmosRequests.Outcome));

        Assert.All(log.Entries, e => Assert.Equal(LogLevel.Debug, e.Level));
        Assert.Equal(
            [("create-view", "views", 201, 7.5), ("save", "leases", 409, 3.25), ("append", "events", 408, 0d)],
            log.Entries.Select(e => ((string)e.Values["Operation"]!, (string)e.Values["Container"]!, (int)e.Values["Status"]!, (double)e.Values["RequestCharge"]!)));
        Assert.StartsWith("Cosmos create-view on views: 201, 7.5 RU, ", log.Entries[0].Message, StringComparison.Ordinal);
        Assert.All(log.Entries, e => Assert.True((double)e.Values["ElapsedMs"]! >= 0));
        // The time-out's timer may fire a little before 50 ms by the stopwatch, never long before.
        Assert.True((double)log.Entries[2].Values["ElapsedMs"]! >= 40);
    }

    [Fact]
    public async Task A_request_and_how_to_read_its_outcome_are_required()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => _requests.RunAsync<ResponseMessage>("read", "views", null!, CosmosRequests.Outcome));
        await Assert.ThrowsAsync<ArgumentNullException>(() => _requests.RunAsync("read", "views", () => Task.FromResult(new ResponseMessage(HttpStatusCode.OK)), null!));
        Assert.Throws<ArgumentNullException>(() => CosmosRequests.Outcome(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => _requests.ReadItemAsync<object>(null!, "id", PartitionKey.None, "read", CancellationToken.None));
    }

    [Fact]
    public async Task A_successful_answer_is_handed_back_undisposed_and_a_throttled_one_is_disposed()
    {
        var ok = new ResponseMessage(HttpStatusCode.OK) { Content = new MemoryStream([1, 2, 3]) };
        var throttled = new ResponseMessage(HttpStatusCode.TooManyRequests) { Content = new MemoryStream([1, 2, 3]) };

        using var answered = await _requests.RunAsync("read", "views", () => Task.FromResult(ok), CosmosRequests.Outcome);
        await Assert.ThrowsAsync<StoreBusyException>(() => _requests.RunAsync("read", "views", () => Task.FromResult(throttled), CosmosRequests.Outcome));

        Assert.Same(ok, answered);
        Assert.Equal(3, answered.Content.Length);
        Assert.Null(throttled.Content);
    }
}
