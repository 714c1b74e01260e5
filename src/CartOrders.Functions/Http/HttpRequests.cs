using Microsoft.AspNetCore.Http;

namespace CartOrders.Functions.Http;

internal static class HttpRequests
{
    /// <summary>The request's context, which the API's handlers take.</summary>
    public static HttpContext ContextOf(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.HttpContext;
    }
}
