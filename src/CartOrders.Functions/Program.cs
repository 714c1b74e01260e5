using CartOrders.Functions;
using CartOrders.Functions.Hosting;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseApiPipeline();
builder.Services.AddFunctionsObservability(builder.Configuration).AddCartOrdersFunctions(builder.Configuration);
builder.Build().Run();
