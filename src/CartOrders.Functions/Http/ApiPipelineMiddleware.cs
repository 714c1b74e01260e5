using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace CartOrders.Functions.Http;

/// <summary>
/// Runs every HTTP function inside the <see cref="ApiPipeline"/>. The function returns the API
/// handler's <see cref="IResult"/>; the pipeline writes it (so a failure while writing is answered
/// like any other) and clears the invocation result, as the ASP.NET Core integration does for a
/// response it need not write again. Other triggers pass straight through.
/// </summary>
public sealed class ApiPipelineMiddleware(ApiPipeline pipeline, HttpFunctionPolicies policies) : IFunctionsWorkerMiddleware
{
    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.GetHttpContext() is not { } http)
        {
            return next(context);
        }

        return pipeline.RunAsync(http, policies.Of(context.FunctionDefinition.Name), async () =>
        {
            await next(context);
            var invocation = context.GetInvocationResult();
            if (invocation.Value is IResult result)
            {
                invocation.Value = null;
                return result;
            }

            return null;
        });
    }
}
