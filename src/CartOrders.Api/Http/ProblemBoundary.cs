using CartOrders.Api.Problems;
using CartOrders.Application.Ports;
using Microsoft.AspNetCore.Http;

namespace CartOrders.Api.Http;

/// <summary>
/// Where a handler's problems become responses. Every public handler runs inside it, so a host
/// without the ASP.NET Core exception handler (an Azure Functions trigger) answers the same.
/// </summary>
public static class ProblemBoundary
{
    public static async Task<IResult> RunAsync(Func<Task<IResult>> handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        try
        {
            return await handle();
        }
        catch (ProblemException problem)
        {
            return problem.ToResult();
        }
        catch (StoreBusyException busy)
        {
            return new ProblemResult(ApiProblem.StoreBusy, "The store is throttling requests; retry later.") { RetryAfter = busy.RetryAfter };
        }
    }
}
