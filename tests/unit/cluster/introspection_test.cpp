#include "cluster/introspection.hpp"
#include "runtime/base/actor_registry.hpp"
#include "runtime/base/metrics.hpp"

#include <catch2/catch.hpp>

#include <memory>

using namespace agora;
using agora::protocol::actor_query;

namespace {

void add(actor_registry& reg, uint64_t id, const std::string& type, const std::string& key,
         uint64_t mailbox, uint64_t messages) {
  auto stats = std::make_shared<actor_stats>();
  stats->mailbox = mailbox;
  stats->messages = messages;
  reg.add({id, type, key, "", {}, stats});
}

std::vector<uint64_t> ids(const protocol::actor_listing& l) {
  std::vector<uint64_t> out;
  for (auto& a : l.items)
    out.push_back(a.id);
  return out;
}

} // namespace

TEST_CASE("a node lists its actors filtered, sorted and cut to the page asked for",
          "[introspection]") {
  metrics::hub hub{"test", "n1"};
  actor_registry reg{"n1", hub.registry()};
  add(reg, 1, "order", "ord_aaa", 0, 3);
  add(reg, 2, "order", "ord_bbb", 4, 9);
  add(reg, 3, "inventory", "0", 7, 100);
  add(reg, 4, "order", "ord_abc", 1, 1);
  actor_query q;
  q.type = "order";
  auto l = cluster::local_actors(reg, q);
  CHECK(l.total == 3);
  CHECK(ids(l) == std::vector<uint64_t>{1, 2, 4});
  CHECK(l.nodes == std::vector<std::string>{"n1"});
  REQUIRE(l.counts.size() == 2); // every type of the node, whatever the filter
  CHECK(l.counts[1].type == "order");
  CHECK(l.counts[1].count == 3);
  q.type.clear();
  q.q = "ord_a";
  CHECK(ids(cluster::local_actors(reg, q)) == std::vector<uint64_t>{1, 4});
  q.q.clear();
  q.sort = "mailbox";
  q.limit = 2;
  auto busiest = cluster::local_actors(reg, q);
  CHECK(busiest.total == 4);
  CHECK(ids(busiest) == std::vector<uint64_t>{3, 2});
  q.node = "n2"; // another node's actors: none here, but the node still answers
  auto none = cluster::local_actors(reg, q);
  CHECK(none.items.empty());
  CHECK(none.nodes == std::vector<std::string>{"n1"});
}

TEST_CASE("pages of several nodes merge into the page asked for", "[introspection]") {
  metrics::hub hub{"test", "n1"};
  actor_registry one{"n1", hub.registry()};
  actor_registry two{"n2", hub.registry()};
  for (uint64_t i = 1; i <= 5; ++i) {
    add(one, i, "order", "a" + std::to_string(i), i, 0);      // mailboxes 1..5
    add(two, i, "order", "b" + std::to_string(i), 10 * i, 0); // 10..50
  }
  actor_query q;
  q.sort = "mailbox";
  q.limit = 3;
  q.offset = 4;
  auto merged =
    cluster::merge_listings({cluster::local_actors(one, q), cluster::local_actors(two, q)}, q);
  CHECK(merged.total == 10);
  // Largest first: n2's 50..10, then n1's 5..1; the page is the 5th to the 7th.
  REQUIRE(merged.items.size() == 3);
  CHECK(merged.items[0].node == "n2");
  CHECK(merged.items[0].mailbox == 10);
  CHECK(merged.items[1].mailbox == 5);
  CHECK(merged.items[2].mailbox == 4);
  CHECK(merged.nodes == std::vector<std::string>{"n1", "n2"});
  q.sort = "id";
  q.offset = 0;
  q.limit = 50;
  auto by_id =
    cluster::merge_listings({cluster::local_actors(two, q), cluster::local_actors(one, q)}, q);
  REQUIRE(by_id.items.size() == 10);
  CHECK(by_id.items.front().node == "n1");
  CHECK(by_id.items.back().node == "n2");
}

TEST_CASE("looking at an actor starts recording what it handles", "[introspection]") {
  metrics::hub hub{"test", "n1"};
  actor_registry reg{"n1", hub.registry()};
  add(reg, 7, "order", "ord_x", 0, 2);
  CHECK_FALSE(cluster::local_actor(reg, 8));
  auto d = cluster::local_actor(reg, 7);
  REQUIRE(d);
  CHECK(d->info.messages == 2);
  CHECK(d->recording);
  CHECK(reg.find(7)->stats->watched(d->recording_until_ms - 1));
}
