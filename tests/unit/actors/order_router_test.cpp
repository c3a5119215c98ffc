#include "actors/order_metrics.hpp"
#include "actors/order_router.hpp"
#include "runtime/base/actor_registry.hpp"
#include "runtime/base/metrics.hpp"
#include "tests/support/deterministic.hpp"
#include "tests/support/samples.hpp"
#include "tests/support/stand_ins.hpp"

#include <caf/send.hpp>
#include <catch2/catch.hpp>

// The order router on CAF's test coordinator: which orders it serves, and that a create never
// starts afresh an order some owner journaled already (a second start would append at sequence
// number 1 again: a unique violation, answered as a 409 to a customer whose order exists).

using namespace agora;
using namespace agora::protocol;
using namespace std::chrono_literals;
using domain::event_type;

namespace {

struct fixture : test::deterministic {
  metrics::hub hub{"test", "n1"};
  actor_registry registry{"n1", hub.registry()};
  actors::order_metrics counters{hub.registry()};
  std::shared_ptr<test::reads_stand_in> reads = std::make_shared<test::reads_stand_in>();
  std::shared_ptr<test::journal_stand_in> journal = std::make_shared<test::journal_stand_in>();
  std::shared_ptr<test::shard_stand_in> shard = std::make_shared<test::shard_stand_in>();
  std::shared_ptr<test::payments_stand_in> payments = std::make_shared<test::payments_stand_in>();
  std::shared_ptr<test::shipping_stand_in> shipping = std::make_shared<test::shipping_stand_in>();
  read_store_actor reads_actor;
  order_store_actor journal_actor;
  actors::order_host_actor router;

  fixture() {
    actors::order_peers peers;
    journal_actor = test::spawn_journal(sys(), journal);
    peers.store = journal_actor;
    peers.shards = {test::spawn_shard(sys(), shard)};
    peers.payments = test::spawn_payments(sys(), payments);
    peers.shipping = test::spawn_shipping(sys(), shipping);
    peers.metrics = &counters;
    peers.registry = &registry;
    actors::order_options options;
    options.shards = 1; // every order in shard 0
    reads_actor = test::spawn_reads(sys(), reads);
    router = actors::spawn_order_router(sys(), reads_actor, peers, options);
    run();
  }

  ~fixture() {
    caf::anon_send_exit(router, caf::exit_reason::user_shutdown);
    stop();
  }

  void grant() {
    caf::anon_send(router, grant_atom_v, shard_grant{"orders", 0, 4});
    run();
  }

  /// What a first owner journaled before it died: the order was created.
  void journaled_elsewhere(const std::string& id) {
    domain::order_event created;
    created.type = event_type::order_created;
    created.draft = test::sample_draft(id);
    reads->journals[id] = {created};
  }

  std::shared_ptr<test::answer<order_view>> create(const std::string& id, bool resent) {
    create_order req{test::sample_draft(id), "", ""};
    req.resent = resent;
    auto r = request<order_view>(router, create_atom_v, req);
    run();
    return r;
  }

  /// The sequence numbers the journal was asked to append at, first event of each batch.
  std::vector<int32_t> first_seqs() const {
    std::vector<int32_t> out;
    for (auto& a : journal->appends)
      out.push_back(a.first_seq);
    return out;
  }
};

} // namespace

TEST_CASE("a router refuses orders of shards it does not own", "[router]") {
  fixture f;
  auto r = f.create("ord_a", false);
  REQUIRE(r->error);
  CHECK(r->error == errc::not_owner);
  CHECK(f.journal->appends.empty());
}

TEST_CASE("a fresh create starts the order at once, without reading a journal", "[router]") {
  fixture f;
  f.grant();
  auto r = f.create("ord_b", false);
  REQUIRE(r->value);
  CHECK(f.reads->loads.empty());
  REQUIRE(!f.journal->appends.empty());
  CHECK(f.journal->appends[0].first_seq == 1);
  CHECK(f.journal->appends[0].events[0].type == event_type::order_created);
}

TEST_CASE("a create sent again continues the order its first owner journaled", "[router]") {
  fixture f;
  f.grant();
  f.journaled_elsewhere("ord_c"); // after the grant's recovery looked
  auto r = f.create("ord_c", true);
  REQUIRE(r->value);
  CHECK(r->value->id == "ord_c");
  CHECK(f.reads->loads == std::vector<std::string>{"ord_c"});
  // The order went on from sequence number 2: ORDER_CREATED was not written twice.
  REQUIRE(!f.journal->appends.empty());
  CHECK(f.journal->appends[0].first_seq == 2);
  CHECK(f.journal->event_types()[0] == event_type::stock_reserved);
}

TEST_CASE("a create sent again that its first owner never journaled starts the order", "[router]") {
  fixture f;
  f.grant();
  auto r = f.create("ord_d", true);
  REQUIRE(r->value);
  CHECK(f.reads->loads == std::vector<std::string>{"ord_d"});
  REQUIRE(!f.journal->appends.empty());
  CHECK(f.first_seqs()[0] == 1);
  CHECK(f.journal->event_types()[0] == event_type::order_created);
}

TEST_CASE("a create that meets its order's recovery waits for it: one order actor", "[router]") {
  fixture f;
  f.reads->hold = true;
  f.journaled_elsewhere("ord_e");
  f.grant();
  f.advance(200ms); // the grant's recovery loads ord_e; the load is held
  REQUIRE(f.reads->loads == std::vector<std::string>{"ord_e"});
  auto r = f.create("ord_e", false); // not marked, yet its order is loading
  CHECK_FALSE(r->answered());
  CHECK(f.journal->appends.empty());
  test::release_loads(f.reads_actor);
  f.run();
  REQUIRE(r->value);
  REQUIRE(!f.journal->appends.empty());
  for (auto seq : f.first_seqs())
    CHECK(seq >= 2); // only the recovered actor writes
}

TEST_CASE("an order behind its shipment is told the news again", "[router][reconcile]") {
  fixture f;
  f.grant();
  f.advance(200ms); // the grant's recovery found nothing
  // Journaled elsewhere up to SHIPPED; the news of the delivery was lost with its sender.
  auto& journal = f.reads->journals["ord_f"];
  domain::order_event e;
  e.draft = test::sample_draft("ord_f");
  journal.push_back(e);
  for (auto type : {event_type::stock_reserved, event_type::payment_captured,
                    event_type::shipment_created, event_type::order_shipped}) {
    domain::order_event next;
    next.type = type;
    next.payment_id = "pay_f";
    next.amount_cents = 3000;
    next.shipment_id = "shp_ord_f";
    next.tracking_number = "1ZTESTord_f";
    next.carrier = "UPS";
    journal.push_back(next);
  }
  f.shipping->status = domain::shipment_status::delivered;
  f.advance(5s); // a look with nothing lagging
  CHECK(f.journal->appends.empty());
  f.reads->lagging = {"ord_f"};
  f.advance(5s);
  REQUIRE(f.journal->event_types()
          == std::vector<event_type>{event_type::order_delivered, event_type::stock_committed});
  CHECK(f.journal->appends[0].first_seq == 6);
  CHECK(f.reads->loads == std::vector<std::string>{"ord_f"});
}

TEST_CASE("an order whose append finds the journal ahead of it starts again from the journal",
          "[router]") {
  fixture f;
  f.grant();
  f.journaled_elsewhere("ord_g");
  f.journal->auto_land = false;
  auto r = f.create("ord_g", true);
  REQUIRE(f.journal->appends.size() == 1); // STOCK_RESERVED at 2, held
  CHECK(f.journal->appends[0].first_seq == 2);
  // It landed, but its answer was lost with the connection: the retry met its own event.
  domain::order_event reserved;
  reserved.type = event_type::stock_reserved;
  f.reads->journals["ord_g"].push_back(reserved);
  test::refuse(f.journal_actor, 0,
               caf::make_error(errc::conflict, std::string{"conflicts with what is stored"}));
  f.run();
  CHECK(f.reads->loads == std::vector<std::string>{"ord_g", "ord_g"}); // reloaded
  REQUIRE(f.journal->appends.size() == 2);
  CHECK(f.journal->appends[1].first_seq == 3); // and on from the journal: the charge's outcome
  CHECK(f.journal->appends[1].events[0].type == event_type::payment_captured);
}

TEST_CASE("a create whose journal write landed though its answer was lost is answered, not 409",
          "[router]") {
  fixture f;
  f.grant();
  f.journal->auto_land = false;
  auto r = f.create("ord_h", false);
  REQUIRE(f.journal->appends.size() == 1); // ORDER_CREATED at 1, held
  f.journaled_elsewhere("ord_h");          // it landed; the connection broke before the answer
  test::refuse(f.journal_actor, 0,
               caf::make_error(errc::conflict, std::string{"conflicts with what is stored"}));
  f.run();
  REQUIRE(r->value);
  CHECK(r->value->id == "ord_h");
  REQUIRE(f.journal->appends.size() == 2);
  CHECK(f.journal->appends[1].first_seq == 2); // the reloaded order goes on: STOCK_RESERVED
  CHECK(f.journal->appends[1].events[0].type == event_type::stock_reserved);
}

TEST_CASE("a create sent again whose shard is given away while its journal loads is bounced",
          "[router]") {
  fixture f;
  f.grant();
  f.advance(200ms); // the grant's recovery found nothing
  f.reads->hold = true;
  auto r = f.create("ord_i", true); // its first owner may have journaled it: a load, held
  REQUIRE(f.reads->loads == std::vector<std::string>{"ord_i"});
  auto revoked = f.request<bool>(f.router, revoke_atom_v, std::string{"orders"}, uint32_t{0}, true);
  f.run();
  REQUIRE(revoked->value);
  test::release_loads(f.reads_actor); // nothing journaled, and the shard is no longer this node's
  f.run();
  REQUIRE(r->error);
  CHECK(r->error == errc::not_owner); // the cluster's router sends it to the new owner
  CHECK(f.journal->appends.empty());
  // The router lives on: the shard comes back and the order starts.
  f.reads->hold = false;
  f.grant();
  auto again = f.create("ord_i", true);
  REQUIRE(again->value);
  CHECK(again->value->id == "ord_i");
}
