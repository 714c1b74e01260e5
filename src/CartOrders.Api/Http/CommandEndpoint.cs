using CartOrders.Api.Problems;
using CartOrders.Application.Commands;
using CartOrders.Application.Ports;
using CartOrders.Application.Serialization;
using CartOrders.Domain;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CartOrders.Api.Http;

/// <summary>
/// Runs a command through the <see cref="CommandHandler"/> and shapes its HTTP reply. The reply
/// (success or rule violation) is built inside the handler, so the very same bytes are stored
/// for an Idempotency-Key and replayed later. Conditions outside the rules (a stale If-Match,
/// a reused key, contention) are not stored: they say nothing final about the command.
/// <c>acknowledged</c> runs once the command's events are appended, never for a refusal, a no-op or
/// an Idempotency-Key replay (nothing new was written).
/// </summary>
public static class CommandEndpoint
{
    public static async Task<IResult> RunAsync<TState, TEvent>(
        HttpContext http,
        CommandRequest request,
        StreamType<TState, TEvent> type,
        string streamId,
        Func<TState?, IReadOnlyList<TEvent>> decide,
        Func<Accepted<TState>, CommandReply> accepted,
        Func<TState?, bool> isVisible,
        ApiProblem notFound,
        Func<Accepted<TState>, Task>? acknowledged = null)
        where TState : class
        where TEvent : IDomainEvent
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(accepted);
        ArgumentNullException.ThrowIfNull(isVisible);
        var handler = http.RequestServices.GetRequiredService<CommandHandler>();
        try
        {
            // The last outcome decided is the one written (a conflict decides again), unless the reply
            // is another request's with the same Idempotency-Key: a replay, not the reply built here,
            // whose outcome was never appended and may describe a version someone else wrote.
            Outcome<TState>? last = null;
            CommandReply? built = null;
            var reply = await handler.HandleAsync(
                type,
                streamId,
                request.Context,
                decide,
                outcome =>
                {
                    last = outcome;
                    built = outcome switch
                    {
                        Accepted<TState> a => accepted(a),
                        Refused<TState> r => Refusal(r.Error, r.Version),
                        _ => throw new InvalidOperationException($"Unknown outcome {outcome.GetType().Name}."),
                    };
                    return built;
                },
                http.RequestAborted);
            if (acknowledged is not null && ReferenceEquals(reply, built) && last is Accepted<TState> { NewEvents: > 0 } written)
            {
                await acknowledged(written);
            }

            return new CommandReplyResult(reply);
        }
        catch (VersionMismatchException)
        {
            // Only someone who may see the stream learns its version.
            var loaded = await http.RequestServices.GetRequiredService<StreamLoader>().LoadAsync(type, streamId, cancellationToken: http.RequestAborted);
            if (!isVisible(loaded.State))
            {
                throw new ProblemException(notFound);
            }

            throw new ProblemException(
                ApiProblem.VersionMismatch,
                $"If-Match was {ETags.Format(request.Context.ExpectedVersion ?? 0)} but the stream is at version {loaded.Version}.")
            {
                Version = loaded.Version,
            };
        }
        catch (IdempotencyKeyReusedException)
        {
            throw new ProblemException(ApiProblem.IdempotencyKeyReused, "This Idempotency-Key was first used for a different request (method, path or body).");
        }
        catch (ContentionException)
        {
            throw new ProblemException(ApiProblem.Contention, "Too many concurrent writes to this stream; retry.") { RetryAfter = TimeSpan.FromSeconds(1) };
        }
    }

    /// <summary>A JSON reply of a command, with the stream's version as ETag.</summary>
    public static CommandReply Reply<T>(int status, T body, long version, string? location = null) =>
        new(status, Json.Serialize(body), "application/json", version, location);

    /// <summary>A rule violation as a problem; the version is withheld where the stream's existence is.</summary>
    public static CommandReply Refusal(DomainException error, long version)
    {
        ArgumentNullException.ThrowIfNull(error);
        var hidesStream = error.Error == DomainError.CartNotFound || error.Error == DomainError.OrderNotFound;
        var problem = ApiProblem.From(error.Error);
        return new CommandReply(problem.Status, ProblemBody.Of(problem, error.Detail).ToUtf8(), ProblemBody.ContentType, hidesStream ? null : version, null);
    }
}
