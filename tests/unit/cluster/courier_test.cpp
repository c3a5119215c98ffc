#include "actors/inventory_host.hpp"
#include "cluster/courier.hpp"
#include "cluster/shard_proxy.hpp"
#include "runtime/base/actor_registry.hpp"
#include "runtime/base/metrics.hpp"
#include "tests/support/deterministic.hpp"
#include "tests/support/stand_ins.hpp"

#include <caf/send.hpp>
#include <catch2/catch.hpp>
#include <prometheus/counter.h>

// The courier and an inventory host on CAF's test coordinator: stock commands bound for one host
// go in one bag after the courier's window, each requester gets its own answer, and nobody waits
// for a host that went away. (Across real nodes: the cluster tests, which run with it.)

using namespace agora;
using namespace agora::protocol;
using namespace std::chrono_literals;

namespace {

struct fixture : test::deterministic {
  metrics::hub hub{"test", "n1"};
  actor_registry registry{"n1", hub.registry()};
  std::shared_ptr<test::stock_store_stand_in> store =
    std::make_shared<test::stock_store_stand_in>();
  inventory_store_actor store_actor = test::spawn_stock_store(sys(), store);
  std::vector<caf::actor> proxies;
  caf::actor host;
  caf::actor courier;

  explicit fixture(size_t max_bag = 256) {
    // Product 3 (shard 3 of 8): 5 on hand. The host owns shard 3 only; the proxies know no owner
    // of any shard, so what goes to them waits.
    test::stock_one_lamp(*store);
    for (uint32_t shard = 0; shard < 8; ++shard)
      proxies.push_back(cluster::spawn_shard_proxy(sys(), "inventory", shard));
    actors::inventory_options options;
    options.bag_window = 5ms;
    host =
      actors::spawn_inventory_host(sys(), store_actor, options, proxies, registry, hub.registry());
    caf::anon_send(caf::actor_cast<shard_host_actor>(host), grant_atom_v,
                   shard_grant{"inventory", 3, 1});
    courier = cluster::spawn_courier(sys(), {5ms, max_bag}, hub.registry(), registry);
    run();
  }

  ~fixture() {
    for (auto& a : proxies)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(host, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(courier, caf::exit_reason::user_shutdown);
    stop();
  }

  std::shared_ptr<test::answer<reserve_reply>> reserve(const caf::actor& to, uint32_t shard,
                                                       const std::string& order, int32_t n) {
    auto command =
      caf::make_message(reserve_atom_v, order, std::vector<domain::line_item>{{3, n, 1500}});
    auto r = request<reserve_reply>(courier, carry_atom_v, to, shard, command);
    run(); // in the courier's bag: its window starts now
    return r;
  }

  /// Release or commit of `order` in shard 3, carried.
  template <class Atom>
  std::shared_ptr<test::answer<bool>> finish(Atom atom, const std::string& order) {
    auto r =
      request<bool>(courier, carry_atom_v, host, uint32_t{3}, caf::make_message(atom, order));
    run();
    return r;
  }

  double counted(const std::string& name) {
    return metrics::counter(hub.registry(), name, "").Value();
  }
};

} // namespace

TEST_CASE("stock commands for one host go in one bag, and each requester gets its own answer",
          "[cluster][courier]") {
  fixture f;
  auto a = f.reserve(f.host, 3, "ord_a", 2);
  auto b = f.reserve(f.host, 3, "ord_b", 4);
  f.run();
  CHECK_FALSE(a->answered()); // the bag waits for the window
  CHECK(f.counted("agora_cluster_stock_bags_total") == 0);
  f.advance(5ms);
  REQUIRE(a->value);
  REQUIRE(b->value);
  CHECK(a->value->ok);
  CHECK_FALSE(b->value->ok); // 4 more of 5, with 2 held: refused, by the shard
  CHECK(b->value->short_products == std::vector<int64_t>{3});
  CHECK(f.counted("agora_cluster_stock_bags_total") == 1);
  CHECK(f.counted("agora_cluster_stock_commands_carried_total") == 2);
  auto committed = f.finish(commit_atom_v, "ord_a");
  f.advance(5ms);
  REQUIRE(committed->value);
  CHECK(*committed->value);
}

TEST_CASE("a full bag leaves at once", "[cluster][courier]") {
  fixture f{2};
  auto a = f.reserve(f.host, 3, "ord_a", 1);
  auto b = f.reserve(f.host, 3, "ord_b", 1);
  f.run();
  REQUIRE(a->value);
  REQUIRE(b->value);
  CHECK(f.counted("agora_cluster_stock_bags_total") == 1);
}

TEST_CASE("answers ready go back after the host's window, not after the slowest command",
          "[cluster][courier]") {
  fixture f;
  auto live = f.reserve(f.host, 3, "ord_a", 1);
  auto waiting = f.reserve(f.host, 5, "ord_b", 1); // shard 5 has no owner: its proxy holds it
  f.advance(5ms);                                  // the bag leaves, shard 3 answers
  CHECK_FALSE(live->answered());                   // its answer waits for the other one...
  f.advance(5ms);                                  // ...until the host's window ends
  REQUIRE(live->value);
  CHECK(live->value->ok);
  CHECK_FALSE(waiting->answered());
}

TEST_CASE("commands for a host that goes away fail at once with unavailable",
          "[cluster][courier]") {
  fixture f;
  auto silent = f.sys().spawn([](caf::event_based_actor*) -> caf::behavior {
    return {[](bag_atom, std::vector<carried_command>&) {}};
  });
  auto r = f.reserve(silent, 3, "ord_a", 1);
  f.advance(5ms); // the bag leaves, and nothing comes back
  CHECK_FALSE(r->answered());
  caf::anon_send_exit(silent, caf::exit_reason::kill);
  f.run();
  REQUIRE(r->error);
  CHECK(r->error == errc::unavailable);
}

TEST_CASE("a host answers what is not a stock command of one of its shards with an error",
          "[cluster][courier]") {
  fixture f;
  auto r = f.reserve(f.host, 99, "ord_a", 1);
  auto get = f.request<bool>(f.courier, carry_atom_v, f.host, uint32_t{3},
                             caf::make_message(get_atom_v, int64_t{3}));
  f.run();
  f.advance(5ms);
  REQUIRE(r->error);
  CHECK(r->error == errc::invalid_argument);
  REQUIRE(get->error);
  CHECK(get->error == errc::invalid_argument);
}
