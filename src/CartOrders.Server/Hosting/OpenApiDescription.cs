using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CartOrders.Server.Hosting;

public static class OpenApiDescription
{
    public const string BearerScheme = "Bearer";

    /// <summary>The contract as OpenAPI at <c>/openapi/v1.json</c>: every endpoint with its bodies, answers and problems, and bearer auth.</summary>
    public static WebApplicationBuilder AddOpenApiDocument(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "CartOrders API";
                document.Info.Description = "Collaborative carts and the orders placed from them. Errors are application/problem+json with a stable `code`.";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "A development token from POST /api/dev/tokens, or a Microsoft Entra ID access token.",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement
                    {
                        [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [],
                    });
                }

                if (operation.OperationId == "CreateCart")
                {
                    operation.RequestBody = CreateCartBody();
                }

                return Task.CompletedTask;
            });
        });
        return builder;
    }

    /// <summary>
    /// <c>POST /api/carts</c> takes no body or <c>{name?}</c>. The endpoint carries no Accepts
    /// metadata (routing would then refuse a body-less request by its Content-Type), so its
    /// optional body is described here.
    /// </summary>
    private static OpenApiRequestBody CreateCartBody() => new()
    {
        Required = false,
        Description = "Optional. A name of 1-100 printable characters; without one the cart is unnamed.",
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/json"] = new()
            {
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["name"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, MinLength = 1, MaxLength = 100 },
                    },
                },
            },
        },
    };
}
