using System.Text.Json;
using CartOrders.Application.Commands;
using CartOrders.Application.Serialization;
using CartOrders.Domain;
using CartOrders.Domain.Carts;
using CsCheck;
using static CartOrders.Application.Tests.Harness;

namespace CartOrders.Application.Tests;

/// <summary>Random command sequences through the real handler and store.</summary>
public sealed class HandlerPropertyTests
{
    private static readonly Gen<(int Kind, int Product, int Quantity)> s_step =
        Gen.Select(Gen.Int[0, 4], Gen.Int[0, 5], Gen.Int[-1, 100]);

    [Fact]
    public async Task Versions_stay_contiguous_and_the_snapshot_equals_a_replay_of_every_event()
    {
        var ct = TestContext.Current.CancellationToken;
        await s_step.Array[1, 40].SampleAsync(
            async steps =>
            {
                await using var h = new Harness();
                await h.Cart("p", new CreateCart(Alice, new CartId("p")));
                foreach (var (kind, product, quantity) in steps)
                {
                    CartCommand command = kind switch
                    {
                        0 or 1 => new AddItem(Alice, Product(product), quantity),
                        2 => new SetItemQuantity(Alice, Product(product), quantity),
                        3 => new RemoveItem(Alice, Product(product)),
                        _ => new AddCollaborator(Alice, new UserId($"u{quantity & 3}")),
                    };
                    await h.Cart("p", command);
                }

                var events = await h.Store.ReadStreamAsync("cart-p", cancellationToken: ct);
                Assert.Equal(Enumerable.Range(1, events.Count).Select(v => (long)v), events.Select(e => e.Version));
                var replayed = Cart.Fold(events.Select(e => (CartEvent)EventSerializer.Deserialize(e.Type, e.Data)));
                var loaded = await h.Loader.LoadAsync(StreamTypes.Cart, "cart-p", cancellationToken: ct);
                Assert.Equal(events.Count, loaded.Version);
                Assert.Equal(JsonSerializer.Serialize(replayed), JsonSerializer.Serialize(loaded.State));
                Assert.Equal(loaded.State!.Lines.Sum(l => l.LineTotalMinor), loaded.State.TotalMinor);
            },
            iter: 25);
    }
}
