using System.Security.Claims;
using CartOrders.Api.Problems;
using CartOrders.Domain;
using Microsoft.AspNetCore.Http;

namespace CartOrders.Api.Http;

/// <summary>
/// Who is calling: the token's <c>sub</c> is the user id and a <c>roles</c> claim of
/// <c>operator</c> grants the operator role. The host's authentication fills the principal.
/// </summary>
public static class Caller
{
    public const string SubjectClaim = "sub";
    public const string RolesClaim = "roles";
    public const string OperatorRole = "operator";

    /// <summary>The roles a token may carry; anything else is ignored.</summary>
    public static IReadOnlyList<string> KnownRoles { get; } = [OperatorRole];

    public static Actor ActorOf(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return ActorOf(http.User);
    }

    public static Actor ActorOf(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var subject = user.FindFirst(SubjectClaim)?.Value;
        if (user.Identity?.IsAuthenticated != true)
        {
            throw new ProblemException(ApiProblem.Unauthorized, "A bearer token is required.");
        }

        if (!IdRules.IsValid(subject))
        {
            throw new ProblemException(ApiProblem.Unauthorized, "The token's subject is not a valid user id.");
        }

        return new Actor(new UserId(subject), user.HasClaim(RolesClaim, OperatorRole) || user.IsInRole(OperatorRole));
    }
}
