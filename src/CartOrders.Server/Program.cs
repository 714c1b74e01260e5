using CartOrders.Api;
using CartOrders.Application;
using CartOrders.Server;
using CartOrders.Server.Auth;
using CartOrders.Server.Hosting;
using CartOrders.Server.Realtime;
using CartOrders.Server.WebClient;

var builder = WebApplication.CreateBuilder(args);
builder.AddObservability();
builder.AddServerHosting();
builder.AddCartOrdersStore();
builder.AddCartOrdersAuth();
builder.AddRealtime();
builder.AddOpenApiDocument();
builder.Services.AddCartOrdersApplication().AddCartOrdersApi(builder.Configuration).AddFeedPumps();

var app = builder.Build();
app.UseCartOrdersPipeline();
app.MapCartOrdersApi();
app.MapDevelopmentTokens();
app.MapRealtime();
app.MapOpenApi();
app.MapWebClient();
app.Run();
