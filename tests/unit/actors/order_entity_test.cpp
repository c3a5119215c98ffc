#include "actors/order.hpp"
#include "actors/order_metrics.hpp"
#include "runtime/base/actor_registry.hpp"
#include "runtime/base/metrics.hpp"
#include "tests/support/deterministic.hpp"
#include "tests/support/samples.hpp"
#include "tests/support/stand_ins.hpp"

#include <caf/send.hpp>
#include <catch2/catch.hpp>

#include <algorithm>

// The order entity on CAF's test coordinator, with stand-ins for the store and the services: each
// test asserts the reply and what was journaled (Akka's ShoppingCartSpec), in milliseconds.

using namespace agora;
using namespace agora::protocol;
using namespace std::chrono_literals;
using domain::event_type;

namespace {

size_t count(const std::vector<std::string>& calls, const std::string& call) {
  return static_cast<size_t>(std::count(calls.begin(), calls.end(), call));
}

struct fixture : test::deterministic {
  metrics::hub hub{"test", "n1"};
  actor_registry registry{"n1", hub.registry()};
  actors::order_metrics counters{hub.registry()};
  std::shared_ptr<test::journal_stand_in> journal = std::make_shared<test::journal_stand_in>();
  std::shared_ptr<test::shard_stand_in> shard = std::make_shared<test::shard_stand_in>();
  std::shared_ptr<test::payments_stand_in> payments = std::make_shared<test::payments_stand_in>();
  std::shared_ptr<test::shipping_stand_in> shipping = std::make_shared<test::shipping_stand_in>();
  actors::order_peers peers;
  actors::order_options options;

  fixture() {
    peers.store = test::spawn_journal(sys(), journal);
    peers.shards = {test::spawn_shard(sys(), shard)};
    peers.payments = test::spawn_payments(sys(), payments);
    peers.shipping = test::spawn_shipping(sys(), shipping);
    peers.metrics = &counters;
    peers.registry = &registry;
    options.step_timeout = 5s;
    options.idle = 60s;
  }

  ~fixture() {
    for (auto& a : spawned)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    stop(); // before the metrics and the registry the orders use go away
  }

  std::vector<order_actor> spawned;

  order_actor spawn(const std::string& id, std::vector<domain::order_event> history = {}) {
    auto a = actors::spawn_order(sys(), id, std::move(history), peers, options, fence{7, 3});
    spawned.push_back(a);
    run();
    return a;
  }

  std::shared_ptr<test::answer<order_view>> create(const order_actor& order,
                                                   const std::string& id) {
    auto r = request<order_view>(order, create_atom_v,
                                 create_order{test::sample_draft(id), "key-1", "hash-1"});
    run();
    return r;
  }

  /// An order that ran (every answer at once) to PAID with its shipment created.
  order_actor paid(const std::string& id) {
    auto order = spawn(id);
    REQUIRE(create(order, id)->value);
    REQUIRE(journal->event_types()
            == std::vector<event_type>{event_type::order_created, event_type::stock_reserved,
                                       event_type::payment_captured, event_type::shipment_created});
    return order;
  }

  /// Whether the actor is gone (a request to it bounces).
  bool gone(const order_actor& order) {
    auto r = request<order_view>(order, get_atom_v);
    run();
    return r->error == caf::sec::request_receiver_down;
  }

  /// The journal so far, as a replay sees it.
  std::vector<domain::order_event> history() const {
    std::vector<domain::order_event> out;
    for (auto& a : journal->appends)
      out.insert(out.end(), a.events.begin(), a.events.end());
    return out;
  }
};

} // namespace

TEST_CASE("an order answers its create once ORDER_CREATED is journaled, then reserves",
          "[entity][order]") {
  fixture f;
  f.journal->auto_land = false;
  auto order = f.spawn("ord_a");
  auto r = f.create(order, "ord_a");
  REQUIRE(f.journal->appends.size() == 1);
  auto& a = f.journal->appends[0];
  CHECK(a.first_seq == 1);
  CHECK(a.events.size() == 1);
  CHECK(a.events[0].type == event_type::order_created);
  CHECK(a.idempotency_key == "key-1");
  CHECK(a.request_hash == "hash-1");
  CHECK(a.token.shard == 7);
  CHECK(a.token.epoch == 3);
  CHECK(a.notifications.size() == 1); // ORDER_CREATED mail, in the same append
  CHECK_FALSE(r->answered());         // not before it is durable
  CHECK(f.shard->calls.empty());      // no effect before the event that owes it
  test::land(f.peers.store, 0, true);
  f.run();
  REQUIRE(r->value);
  CHECK(r->value->status == domain::order_status::pending);
  CHECK(count(f.shard->calls, "reserve") == 1);
}

TEST_CASE("a create whose append fails gets the error, and the order stops", "[entity][order]") {
  fixture f;
  f.journal->auto_land = false;
  auto order = f.spawn("ord_b");
  auto r = f.create(order, "ord_b");
  test::land(f.peers.store, 0, false);
  f.run();
  CHECK(r->error == errc::storage_unavailable);
  CHECK(f.shard->calls.empty());
  CHECK(f.gone(order)); // nothing durable to keep
}

TEST_CASE("a failed append of a step's answer asks again and journals it once", "[entity][order]") {
  fixture f;
  f.journal->auto_land = false;
  auto order = f.spawn("ord_c");
  auto r = f.create(order, "ord_c");
  test::land(f.peers.store, 0, true);
  f.run();
  REQUIRE(f.journal->appends.size() == 2); // STOCK_RESERVED, after the shard held the stock
  CHECK(f.journal->appends[1].first_seq == 2);
  test::land(f.peers.store, 1, false);
  f.run();
  CHECK(count(f.shard->calls, "reserve") == 2); // asked again (the shard answers the same)
  REQUIRE(f.journal->appends.size() == 3);
  CHECK(f.journal->appends[2].first_seq == 2); // the same sequence number: nothing was written
  CHECK(f.journal->appends[2].events[0].type == event_type::stock_reserved);
  test::land(f.peers.store, 2, true);
  f.run();
  CHECK(count(f.payments->calls, "charge") == 1);
}

TEST_CASE("a cancel that loses the race with the carrier is a 409 and journals nothing",
          "[entity][order]") {
  fixture f;
  auto order = f.paid("ord_d");
  auto appended = f.journal->appends.size();
  f.shipping->picked_up = true;
  auto r = f.request<order_view>(order, cancel_atom_v);
  f.run();
  CHECK(r->error == errc::conflict);
  CHECK(f.journal->appends.size() == appended);
  CHECK(count(f.payments->calls, "refund") == 0);
  // The carrier's news follows, and the order ships.
  caf::anon_send(
    order, shipment_atom_v,
    shipment_news{"ord_d", "shp_ord_d", domain::shipment_status::in_transit, "1ZTESTord_d", "UPS"});
  f.run();
  CHECK(f.journal->event_types().back() == event_type::order_shipped);
}

TEST_CASE("a cancel that wins at shipping journals ORDER_CANCELLED, then compensates",
          "[entity][order]") {
  fixture f;
  auto order = f.paid("ord_e");
  auto r = f.request<order_view>(order, cancel_atom_v);
  f.run();
  REQUIRE(r->value);
  CHECK(r->value->status == domain::order_status::cancelled);
  CHECK(r->value->shipment_status == domain::shipment_status::cancelled);
  auto types = f.journal->event_types();
  CHECK(std::find(types.begin(), types.end(), event_type::order_cancelled) != types.end());
  CHECK(count(f.shipping->calls, "cancel") >= 1); // first, before the journal entry
  CHECK(count(f.shard->calls, "release") == 1);
  CHECK(count(f.payments->calls, "refund") == 1);
  CHECK(types.back() != event_type::order_cancelled); // compensations journaled after it
}

TEST_CASE("the stock commit rides with ORDER_DELIVERED instead of an append of its own",
          "[entity][order]") {
  fixture f;
  auto order = f.paid("ord_f");
  auto news = [&](domain::shipment_status s) {
    caf::anon_send(order, shipment_atom_v, shipment_news{"ord_f", "shp_ord_f", s, "", "UPS"});
    f.run();
  };
  news(domain::shipment_status::in_transit);
  CHECK(count(f.shard->calls, "commit") == 1);
  auto appended = f.journal->appends.size();
  CHECK(f.journal->event_types().back() == event_type::order_shipped); // the commit waits
  news(domain::shipment_status::delivered);
  REQUIRE(f.journal->appends.size() == appended + 1);
  auto& last = f.journal->appends.back().events;
  REQUIRE(last.size() == 2);
  CHECK(last[0].type == event_type::stock_committed);
  CHECK(last[1].type == event_type::order_delivered);
  CHECK(f.journal->appends.back().settled);
  CHECK(f.gone(order)); // settled: it passivates
}

TEST_CASE("an idle order passivates, and its journal brings it back as it was", "[entity][order]") {
  fixture f;
  auto order = f.paid("ord_g");
  CHECK(count(f.shipping->calls, "get") == 0); // created the shipment: news comes by itself
  f.advance(61s);
  CHECK(f.gone(order));
  auto again = f.spawn("ord_g", f.history());
  CHECK(count(f.shipping->calls, "get") == 1); // re-activated: it asks what it missed
  auto r = f.request<order_view>(again, get_atom_v);
  f.run();
  REQUIRE(r->value);
  CHECK(r->value->status == domain::order_status::paid);
  CHECK(r->value->payment_id == "pay_ord_g");
  CHECK(r->value->shipment_id == "shp_ord_g");
}

TEST_CASE("a step without an answer retries after its backoff and gives up after three",
          "[entity][order]") {
  fixture f;
  f.shard->silent = true;
  auto order = f.spawn("ord_h");
  REQUIRE(f.create(order, "ord_h")->value);
  CHECK(count(f.shard->calls, "reserve") == 1);
  // Ticks come a millisecond after what they wait for.
  f.advance(5001ms); // the attempt's deadline
  CHECK(count(f.shard->calls, "reserve") == 1);
  f.advance(401ms); // the first backoff
  CHECK(count(f.shard->calls, "reserve") == 2);
  f.advance(5001ms);
  f.advance(801ms); // the second backoff doubles
  CHECK(count(f.shard->calls, "reserve") == 3);
  f.advance(5001ms); // the third failure: the order gives up and compensates
  auto types = f.journal->event_types();
  REQUIRE(types.size() == 2);
  CHECK(types[1] == event_type::order_cancelled);
  CHECK(f.journal->appends[1].events[0].reason == domain::order_reason::timeout);
  CHECK(count(f.shard->calls, "release") == 1);
}

TEST_CASE("a handoff lands the append in flight, then hands the commands held on",
          "[entity][order]") {
  fixture f;
  f.journal->auto_land = false;
  auto successor = std::make_shared<test::router_stand_in>();
  auto order = f.spawn("ord_i");
  auto created = f.create(order, "ord_i");
  auto handed = f.request<bool>(order, handoff_atom_v, test::spawn_router(f.sys(), successor));
  f.run();
  auto cancel = f.request<order_view>(order, cancel_atom_v); // arrives during the handoff
  f.run();
  CHECK_FALSE(handed->answered()); // the append is still in flight
  CHECK_FALSE(cancel->answered());
  test::land(f.peers.store, 0, true);
  f.run();
  REQUIRE(created->value);
  CHECK(created->value->status == domain::order_status::pending);
  REQUIRE(handed->value);
  CHECK(*handed->value);
  CHECK(successor->calls == std::vector<std::string>{"cancel"});
  REQUIRE(cancel->value); // answered by the successor
  CHECK(cancel->value->status == domain::order_status::cancelled);
  CHECK(f.journal->appends.size() == 1); // the old owner journaled nothing more
  CHECK(f.shard->calls.empty());         // nor started the reservation
  CHECK(f.gone(order));
}
