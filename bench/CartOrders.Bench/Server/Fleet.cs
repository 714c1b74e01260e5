using System.Globalization;

namespace CartOrders.Bench.Server;

/// <summary>
/// The users and carts a server measurement works on. The load is spread over many users so
/// that no user comes near the per-user rate limit of api.md (50 commands/s sustained): at
/// 5,000 commands/s over 500 users each sends about 10/s.
/// </summary>
internal static class Fleet
{
    public static async Task<IReadOnlyList<(BenchUser User, string Cart)>> CreateAsync(ApiClient api, string prefix, int users, int cartsPerUser, CancellationToken cancellationToken)
    {
        var created = new BenchUser[users];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, users),
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (u, token) => created[u] = await api.UserWithCartsAsync(string.Create(CultureInfo.InvariantCulture, $"{prefix}-{u}"), cartsPerUser, token));

        // Interleaved by cart index, so consecutive commands go to different users.
        return [.. Enumerable.Range(0, cartsPerUser).SelectMany(c => created.Select(u => (u, u.Carts[c])))];
    }
}
