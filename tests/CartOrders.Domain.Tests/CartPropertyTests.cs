using System.Text.Json;
using CartOrders.Domain.Carts;
using CsCheck;
using static CartOrders.Domain.Tests.CartSpec;

namespace CartOrders.Domain.Tests;

/// <summary>Random command sequences, accepted or refused, never break the cart's invariants.</summary>
public sealed class CartPropertyTests
{
    private static readonly Actor[] s_people = [Alice, Bob, Carol];
    private static readonly string[] s_products = ["mug", "tea", .. Enumerable.Range(1, 60).Select(i => $"p{i}"), "unknown"];

    private static readonly Gen<CartCommand> s_command =
        Gen.Select(Gen.Int[0, s_people.Length - 1], Gen.Int[0, s_products.Length - 1], Gen.Int[-2, 120], Gen.Int[0, 6])
            .Select(t => Command(s_people[t.Item1], s_products[t.Item2], t.Item3, t.Item4));

    private static CartCommand Command(Actor by, string product, int quantity, int kind) => kind switch
    {
        0 or 1 => new AddItem(by, new ProductId(product), quantity),
        2 => new SetItemQuantity(by, new ProductId(product), quantity),
        3 => new RemoveItem(by, new ProductId(product)),
        4 => new AddCollaborator(by, s_people[Math.Abs(quantity) % s_people.Length].UserId),
        5 => new RemoveCollaborator(by, s_people[Math.Abs(quantity) % s_people.Length].UserId),
        _ => new CheckOut(by, new OrderId("o1"), new ShippingAddress("A", "1 St", "City", "123", "FR")),
    };

    [Fact]
    public void Random_command_sequences_keep_the_invariants_and_replay_to_the_live_state() =>
        s_command.Array[1, 120].Sample(commands =>
        {
            var history = new List<CartEvent> { new CartCreated("c1", "alice", "EUR") };
            var live = Cart.Fold(history)!;
            foreach (var command in commands)
            {
                IReadOnlyList<CartEvent> events;
                try
                {
                    events = CartDecider.Decide(command, live, CartSpec.Catalog);
                }
                catch (DomainException)
                {
                    continue;
                }

                history.AddRange(events);
                live = events.Aggregate((Cart?)live, Cart.Evolve)!;

                Assert.Equal(live.Lines.Sum(l => l.UnitPriceMinor * l.Quantity), live.TotalMinor);
                Assert.Equal(live.Lines.Sum(l => l.Quantity), live.ItemCount);
                Assert.InRange(live.Lines.Count, 0, Cart.MaxLines);
                Assert.All(live.Lines, l => Assert.InRange(l.Quantity, 1, Cart.MaxQuantity));
                Assert.Equal(live.Lines.Count, live.Lines.Select(l => l.ProductId).Distinct().Count());
                Assert.DoesNotContain(live.OwnerId, live.Collaborators);
            }

            Assert.Equal(JsonSerializer.Serialize(live), JsonSerializer.Serialize(Cart.Fold(history)));
        });

    [Fact]
    public void A_refused_command_produces_no_events_and_an_accepted_one_changes_the_state_or_nothing() =>
        s_command.Array[1, 60].Sample(commands =>
        {
            var live = Cart.Fold([new CartCreated("c1", "alice", "EUR")])!;
            foreach (var command in commands)
            {
                var before = JsonSerializer.Serialize(live);
                try
                {
                    var events = CartDecider.Decide(command, live, CartSpec.Catalog);
                    live = events.Aggregate((Cart?)live, Cart.Evolve)!;
                    Assert.Equal(events.Count == 0, before == JsonSerializer.Serialize(live));
                }
                catch (DomainException)
                {
                    Assert.Equal(before, JsonSerializer.Serialize(live));
                }
            }
        });
}
