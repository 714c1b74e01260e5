using CartOrders.Api;
using CartOrders.Application;
using CartOrders.Server;
using CartOrders.Server.Auth;
using CartOrders.Server.Hosting;
using CartOrders.Server.Realtime;
using CartOrders.Server.WebClient;

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddObservability();
    builder.AddServerHosting();
    builder.AddCrossOrigin();
    builder.AddCartOrdersStore();
    builder.AddCartOrdersAuth();
    builder.AddRealtime();
    builder.AddFeedPumps();
    builder.AddOpenApiDocument();
    builder.Services.AddCartOrdersApplication().AddCartOrdersApi(builder.Configuration);

    var app = builder.Build().ValidateConfiguration();
    app.UseCartOrdersPipeline();
    app.MapCartOrdersApi();
    app.MapDevelopmentTokens();
    app.MapRealtime();
    app.MapOpenApi();
    app.MapWebClient();
    app.Run();
    return 0;
}
catch (Exception error) when (StartupFailure.IsConfiguration(error))
{
    return StartupFailure.Report(error);
}
