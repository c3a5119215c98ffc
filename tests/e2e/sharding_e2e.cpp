#include "actors/domain/hash.hpp"
#include "tests/support/agora_node.hpp"
#include "tests/support/orders.hpp"
#include "tests/support/partition.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <csignal>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

// Several nodes that each host every role on one database: order and inventory shards leased to
// one owner each, commands routed to the owner from any door, a dead node's shards taken over.
using namespace agora::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

/// A node of a cluster of peers: every role, its own cluster port, a fast carrier.
std::unique_ptr<agora_node> peer(const std::string& id, const std::string& db,
                                 std::vector<std::string> more = {}, unsigned uid = 0) {
  std::vector<std::string> flags{"--node-id=" + id, "--cluster-port=" + std::to_string(free_port()),
                                 "--shipping-step-seconds=1", "--lease-ttl-ms=3000",
                                 "--cluster-timeout-ms=3000"};
  with_tls(flags, id);
  for (auto& f : more)
    flags.push_back(f);
  return std::make_unique<agora_node>(flags, db, true, std::vector<std::string>{}, uid);
}

/// Waits until every door says it is ready: its peers connected, every shard owned.
bool all_ready(const std::vector<const agora_node*>& doors) {
  return wait_until(
    [&] {
      for (auto* d : doors)
        if (d->get("/readyz").status != 200)
          return false;
      return true;
    },
    20s);
}

/// Owners of the kind's shards: owner → count (nobody: "").
std::map<std::string, int> owners(const std::string& db, const std::string& kind) {
  std::map<std::string, int> out;
  auto text = sql_value(db, "SELECT string_agg(coalesce(owner, '-') || '=' || n, ',') FROM "
                            "(SELECT owner, count(*) AS n FROM shard_leases WHERE kind = '"
                              + kind
                              + "' AND (owner IS NULL OR expires_at > now()) "
                                "GROUP BY owner) AS t");
  size_t start = 0;
  while (start < text.size()) {
    auto comma = text.find(',', start);
    auto item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    auto eq = item.find('=');
    out[item.substr(0, eq)] = std::stoi(item.substr(eq + 1));
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  return out;
}

/// Three peers on `db`, each owning order shards and ready (its peers connected).
struct trio {
  std::unique_ptr<agora_node> a, b, c;
};

trio three_peers(const std::string& db) {
  trio t{peer("node-a", db), peer("node-b", db), peer("node-c", db)};
  REQUIRE(wait_until(
    [&] {
      auto o = owners(db, "orders");
      return o.size() == 3 && !o.count("-");
    },
    20s));
  REQUIRE(all_ready({t.a.get(), t.b.get(), t.c.get()}));
  return t;
}

std::string unfinished(const std::string& db) {
  return sql_value(db, "SELECT count(*) FROM orders WHERE status NOT IN ('DELIVERED', "
                       "'CANCELLED', 'REJECTED') OR NOT settled");
}

/// The last warnings and errors of a node's log, for a failure's message.
std::string warnings(const agora_node& node, size_t last = 12) {
  std::vector<std::string> lines;
  std::string log = node.process->log();
  size_t start = 0;
  while (start < log.size()) {
    auto nl = log.find('\n', start);
    auto line = log.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (line.find("\"level\":\"warn\"") != std::string::npos
        || line.find("\"level\":\"error\"") != std::string::npos)
      lines.push_back(line.substr(0, 300));
    if (nl == std::string::npos)
      break;
    start = nl + 1;
  }
  std::string out;
  for (size_t i = lines.size() > last ? lines.size() - last : 0; i < lines.size(); ++i)
    out += lines[i] + "\n";
  return out;
}

/// A few unfinished orders with their journals, for a failure's message.
std::string stuck(const std::string& db) {
  return sql_value(db, "SELECT string_agg(o.id || ' ' || o.status || ': ' || (SELECT "
                       "string_agg(type, ',' ORDER BY seq) FROM order_events e WHERE e.order_id "
                       "= o.id), E'\\n') FROM (SELECT * FROM orders WHERE status NOT IN "
                       "('DELIVERED', 'CANCELLED', 'REJECTED') OR NOT settled LIMIT 5) o");
}

/// What must hold at the end of every cluster test: every order finished, at most one capture per
/// order and none for a cancelled one, journals whole, and stock conserved in the database and
/// as every door reports it (each asks the shard's owner).
void check_invariants(const std::string& db, const std::vector<const agora_node*>& doors,
                      const std::map<int64_t, int64_t>& initial) {
  CHECK(unfinished(db) == "0");
  CHECK(sql_value(db, "SELECT count(*) FROM (SELECT order_id FROM payments WHERE status IN "
                      "('CAPTURED', 'REFUNDED') GROUP BY order_id HAVING count(*) > 1) twice")
        == "0");
  CHECK(sql_value(db, "SELECT count(*) FROM payments p JOIN orders o ON o.id = p.order_id "
                      "WHERE o.status = 'CANCELLED' AND p.status = 'CAPTURED'")
        == "0");
  CHECK(sql_value(db, "SELECT count(*) FROM orders o WHERE (SELECT count(*) FROM order_events e "
                      "WHERE e.order_id = o.id) <> o.version")
        == "0");
  CHECK(sql_value(db, "SELECT count(*) FROM holds WHERE status = 'HELD'") == "0");
  CHECK(sql_value(db, "SELECT count(*) FROM orders WHERE status = 'DELIVERED' AND id NOT IN "
                      "(SELECT order_id FROM holds WHERE status = 'COMMITTED')")
        == "0");
  for (auto& [product, start] : initial) {
    auto p = std::to_string(product);
    auto sold = std::stoll(
      sql_value(db, "SELECT coalesce(sum(r.quantity), 0) FROM reservations r JOIN holds h USING "
                    "(order_id, shard) WHERE h.status = 'COMMITTED' AND r.product_id = "
                      + p));
    INFO("product " << p);
    CHECK(sql_value(db, "SELECT on_hand || '/' || reserved FROM stock WHERE product_id = " + p)
          == std::to_string(start - sold) + "/0");
    for (auto* door : doors)
      CHECK(stock(*door, product) == std::to_string(start - sold) + "/0");
  }
}

/// Clients placing orders through `doors` until `stop`: what was accepted, and any answer other
/// than 202 or an honest 503.
struct load {
  std::mutex mutex;
  std::vector<std::string> accepted;
  std::vector<int> failed;
  size_t refused = 0;                   ///< 503s
  std::string last_refusal;             ///< the latest 503's body, for a failing test's report
  std::chrono::milliseconds slowest{0}; ///< the longest wait for any answer
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;

  load(std::vector<const agora_node*> doors, std::vector<int64_t> products, int per_door = 2) {
    for (size_t t = 0; t < doors.size() * per_door; ++t)
      clients.emplace_back([this, door = doors[t % doors.size()], products, t] {
        for (int i = 0; !stop; ++i) {
          auto sent = std::chrono::steady_clock::now();
          auto r = place_order(*door, order_body(products[(t + i) % products.size()], 1));
          auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - sent);
          std::lock_guard<std::mutex> guard{mutex};
          slowest = std::max(slowest, took);
          if (r.status == 202) {
            accepted.push_back(json_of(r)["id"]);
          } else if (r.status == 503) {
            ++refused;
            last_refusal = r.body;
          } else {
            failed.push_back(r.status);
          }
        }
      });
  }

  size_t count() {
    std::lock_guard<std::mutex> guard{mutex};
    return accepted.size();
  }

  /// Waits until `n` more orders than now are accepted (false after `within`).
  bool accepts_more(size_t n, std::chrono::seconds within = 30s) {
    auto before = count();
    return wait_until(
      [&] {
        return count() >= before + n;
      },
      within);
  }

  /// How many were refused, and why the last one was.
  std::string refusals() {
    std::lock_guard<std::mutex> guard{mutex};
    return std::to_string(refused) + " refused, the last: " + last_refusal;
  }

  void finish() {
    stop = true;
    for (auto& th : clients)
      th.join();
    clients.clear();
  }

  ~load() {
    if (!clients.empty())
      finish();
  }
};

/// How a cluster test under load ends: the clients stop (no answer but 202 or an honest 503),
/// every order finishes (or the report names stuck ones and each node's last warnings), every
/// accepted order is in one of `ends` as `reader` tells it, and the invariants hold.
void finish_and_check(load& clients, const std::string& db,
                      const std::vector<const agora_node*>& nodes, const agora_node& reader,
                      const std::map<int64_t, int64_t>& initial,
                      const std::set<std::string>& ends = {"DELIVERED"}) {
  clients.finish();
  CHECK(clients.failed.empty());
  if (!clients.failed.empty())
    FAIL_CHECK("first failed status " << clients.failed.front());
  bool finished = wait_until(
    [&] {
      return unfinished(db) == "0";
    },
    60s);
  INFO(stuck(db));
  std::string logs;
  for (size_t i = 0; i < nodes.size(); ++i)
    logs += std::string(1, static_cast<char>('a' + i)) + ": " + warnings(*nodes[i]);
  INFO(logs);
  REQUIRE(finished);
  for (auto& id : clients.accepted) {
    auto status = order(reader, id)["status"].get<std::string>();
    INFO(id << " is " << status);
    CHECK(ends.count(status) == 1);
  }
  check_invariants(db, nodes, initial);
}

std::map<int64_t, int64_t> stock_up(const agora_node& node, std::vector<int64_t> products,
                                    int64_t on_hand) {
  std::map<int64_t, int64_t> initial;
  for (auto p : products) {
    // Right after a start the inventory shards may still be moving to their owners: a 503 is
    // an honest "not now", and a client tries again, as this one does.
    http_response r;
    bool set = wait_until(
      [&] {
        r = node.send("PUT", "/inventory/" + std::to_string(p), {{"on_hand", on_hand}}, true);
        return r.status != 503;
      },
      20s);
    INFO(r.body << "\n" << warnings(node));
    REQUIRE(set);
    REQUIRE(r.status == 200);
    initial[p] = on_hand;
  }
  return initial;
}

} // namespace

TEST_CASE("three nodes own every shard once and orders through every door complete",
          "[e2e][cluster][sharding]") {
  auto db = fresh_database();
  auto a = peer("node-a", db);
  auto b = peer("node-b", db);
  auto c = peer("node-c", db);
  REQUIRE(wait_until(
    [&] {
      auto o = owners(db, "orders");
      return o.size() == 3 && !o.count("-") && !owners(db, "inventory").count("-");
    },
    20s));
  REQUIRE(all_ready({a.get(), b.get(), c.get()}));
  for (auto& [owner, n] : owners(db, "orders"))
    CHECK(n >= 8); // rendezvous over three nodes: about 21 of 64 each

  std::map<int64_t, int64_t> initial;
  for (int64_t p : {21, 22, 23, 24, 25, 26, 27, 28}) {
    REQUIRE(a->send("PUT", "/inventory/" + std::to_string(p), {{"on_hand", 100}}, true).status
            == 200);
    initial[p] = 100;
  }
  std::vector<const agora_node*> doors{a.get(), b.get(), c.get()};
  std::vector<std::string> ids;
  for (int i = 0; i < 30; ++i) {
    auto r = place_order(*doors[i % 3], order_body(21 + i % 8, 1 + i % 2));
    REQUIRE(r.status == 202);
    ids.push_back(json_of(r)["id"]);
  }
  REQUIRE(wait_until(
    [&] {
      return unfinished(db) == "0";
    },
    40s));
  // A new order is owned where it was placed: its saga's commands stay on that node (ids drawn
  // uniformly over all shards would land two thirds of them elsewhere).
  const char* names[] = {"node-a", "node-b", "node-c"};
  for (size_t i = 0; i < ids.size(); ++i)
    CHECK(sql_value(db, "SELECT owner FROM shard_leases WHERE kind = 'orders' AND shard = "
                          + std::to_string(agora::domain::shard_of(ids[i], 64)))
          == names[i % 3]);
  // And so is its shipment: each node's carrier moves the shipments of the orders it owns, so no
  // news crossed to another node (reads, below, do: any door serves any order).
  double remote = 0, local = 0;
  for (auto* d : doors) {
    remote += metric(*d, R"(agora_cluster_order_commands_total{to="remote"})");
    local += metric(*d, R"(agora_cluster_order_commands_total{to="local"})");
  }
  CHECK(local >= 30 * 4); // a create and three shipment news each
  CHECK(remote == 0);
  // Stock does cross (products 21-28 fill every inventory shard): in the couriers' bags.
  double bags = 0, carried = 0;
  for (auto* d : doors) {
    bags += metric(*d, "agora_cluster_stock_bags_total");
    carried += metric(*d, "agora_cluster_stock_commands_carried_total");
  }
  CHECK(bags > 0);
  CHECK(carried >= bags);
  for (auto& id : ids) // any door reads any order
    CHECK(order(*doors[id.back() % 3], id)["status"] == "DELIVERED");
  check_invariants(db, doors, initial);
  // Commands crossed nodes: each node's orders ran where their shard was owned.
  CHECK(sql_value(db, "SELECT count(DISTINCT owner) FROM shard_leases WHERE kind = 'orders'")
        == "3");

  // Introspection sees the whole cluster from any door: every node's actors, one actor on
  // another node in full, and an order's replay.
  auto seen = json_of(a->get("/admin/actors?type=order.router"));
  CHECK(seen["nodes"] == json::array({"node-a", "node-b", "node-c"}));
  CHECK(seen["missing"].empty());
  CHECK(seen["total"] == 3);
  auto far = json_of(a->get("/admin/actors?type=inventory&node=node-c&limit=1"))["items"];
  REQUIRE(far.size() == 1);
  auto detail = json_of(a->get("/admin/actors/" + far[0]["id"].get<std::string>()));
  CHECK(detail["node"] == "node-c");
  CHECK(detail["type"] == "inventory");
  CHECK(detail["recording"] == true);
  CHECK(json_of(b->get("/admin/orders/" + ids[0] + "/replay"))["matches"] == true);
  // A node that does not answer is named, and does not hold up the answer.
  c->process->signal(SIGSTOP);
  auto asked = std::chrono::steady_clock::now();
  auto partial = json_of(a->get("/admin/actors?type=order.router"));
  auto waited = std::chrono::steady_clock::now() - asked;
  c->process->signal(SIGCONT);
  CHECK(waited < 2500ms);
  CHECK(partial["missing"] == json::array({"node-c"}));
  CHECK(partial["nodes"] == json::array({"node-a", "node-b"}));
  CHECK(partial["total"] == 2);
}

TEST_CASE("kill -9 of a node under load: its shards are taken over and nothing is lost",
          "[e2e][cluster][failover]") {
  auto db = fresh_database();
  auto peers = three_peers(db);
  auto& a = peers.a;
  auto& b = peers.b;
  auto& c = peers.c;
  auto initial = stock_up(*a, {31, 32, 33, 34}, 5000);
  std::mutex mutex;
  std::vector<std::string> accepted;
  std::atomic<bool> killed{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t)
    clients.emplace_back([&, t] {
      // Clients of the survivors only: the dead node's own door refuses connections.
      const agora_node& door = t % 2 == 0 ? *a : *b;
      for (int i = 0; i < 40; ++i) {
        auto r = place_order(door, order_body(31 + (t + i) % 4, 1 + i % 3));
        std::lock_guard<std::mutex> guard{mutex};
        if (r.status == 202)
          accepted.push_back(json_of(r)["id"]);
        else
          CHECK(r.status == 503); // refused honestly, never lost
        if (accepted.size() == 60 && !killed) {
          ::kill(c->process->pid(), SIGKILL);
          killed = true;
        }
      }
    });
  for (auto& th : clients)
    th.join();
  REQUIRE(killed);
  REQUIRE(c->process->wait_exit() == -SIGKILL);
  // The dead node's leases run out (3 s) and the survivors take them within TTL + 5 s.
  REQUIRE(wait_until(
    [&] {
      auto o = owners(db, "orders");
      return !o.count("node-c") && !o.count("-") && !owners(db, "inventory").count("node-c");
    },
    8s));
  REQUIRE(wait_until(
    [&] {
      return unfinished(db) == "0";
    },
    60s));
  CHECK(accepted.size() >= 150);
  for (auto& id : accepted)
    CHECK(order(*a, id)["status"] == "DELIVERED");
  check_invariants(db, {a.get(), b.get()}, initial);
}

TEST_CASE("scarce stock through every door with a node killed midway sells exactly the stock",
          "[e2e][cluster][scarce]") {
  auto db = fresh_database();
  auto peers = three_peers(db);
  auto& a = peers.a;
  auto& b = peers.b;
  auto& c = peers.c;
  // Two products, 25 each, and 4 times as many orders as stock, through all three doors at once.
  auto initial = stock_up(*a, {11, 12}, 25);
  std::mutex mutex;
  std::vector<std::string> accepted;
  std::atomic<int> answered{0};
  std::atomic<bool> killed{false};
  std::vector<std::thread> clients;
  std::vector<const agora_node*> doors{a.get(), b.get(), c.get()};
  for (int t = 0; t < 6; ++t)
    clients.emplace_back([&, t] {
      for (int i = 0; i < 34; ++i) {
        auto* door = doors[(t + i) % 3];
        if (door == c.get() && killed)
          door = doors[t % 2]; // its door is gone: its clients go elsewhere
        auto r = place_order(*door, order_body(11 + i % 2, 1));
        if (++answered == 60 && !killed.exchange(true))
          ::kill(c->process->pid(), SIGKILL);
        std::lock_guard<std::mutex> guard{mutex};
        if (r.status == 202)
          accepted.push_back(json_of(r)["id"]);
        else
          CHECK((r.status == 503 || r.status == 0)); // 0: c's door died under the request
      }
    });
  for (auto& th : clients)
    th.join();
  REQUIRE(killed);
  REQUIRE(c->process->wait_exit() == -SIGKILL);
  bool finished = wait_until(
    [&] {
      return unfinished(db) == "0";
    },
    60s);
  INFO(stuck(db));
  REQUIRE(finished);
  // Every acknowledged order finished, and exactly the stock was sold: no oversell (the shard
  // that died held reservations), no undersell (its holds were not lost either).
  for (auto& id : accepted) {
    auto status = order(*a, id)["status"];
    CHECK((status == "DELIVERED" || status == "REJECTED"));
  }
  CHECK(accepted.size() >= 100);
  CHECK(sql_value(db, "SELECT count(*) FROM orders WHERE status = 'DELIVERED'") == "50");
  CHECK(sql_value(db, "SELECT string_agg(on_hand || '/' || reserved, ',' ORDER BY product_id) "
                      "FROM stock WHERE product_id IN (11, 12)")
        == "0/0,0/0");
  check_invariants(db, {a.get(), b.get()}, initial);
}

TEST_CASE("a node paused past its leases is fenced: its late writes are refused, nothing doubles",
          "[e2e][cluster][fencing]") {
  auto db = fresh_database();
  auto peers = three_peers(db);
  auto& a = peers.a;
  auto& b = peers.b;
  auto& c = peers.c;
  std::vector<int64_t> products{41, 42, 43, 44};
  auto initial = stock_up(*a, products, 100000);
  load clients{{a.get(), b.get()}, products};
  REQUIRE(wait_until(
    [&] {
      return clients.count() >= 100;
    },
    30s));
  c->process->signal(SIGSTOP); // mid-saga: c's orders hold work they will try to write
  REQUIRE(wait_until(
    [&] {
      auto o = owners(db, "orders");
      return !o.count("node-c") && !o.count("-");
    },
    15s));
  std::this_thread::sleep_for(12s); // stopped 20 s in all, as a long GC pause or a frozen VM
  c->process->signal(SIGCONT);
  // c wakes believing it owns its shards: whatever it tries to write under the old epochs is
  // refused by the database, and it finds out and stops those orders.
  REQUIRE(wait_until(
    [&] {
      return metric(*c, R"(agora_cluster_fenced_writes_total{writer="journal"})")
               + metric(*c, R"(agora_cluster_fenced_writes_total{writer="effects"})")
             > 0;
    },
    20s));
  CHECK(wait_until([&] {
    return metric(*c, R"(agora_cluster_shards_lost_total{kind="orders"})") > 0;
  }));
  // And it rejoins: the placement gives it its share again.
  REQUIRE(wait_until(
    [&] {
      return owners(db, "orders")["node-c"] >= 8;
    },
    20s));
  finish_and_check(clients, db, {a.get(), b.get(), c.get()}, *b, initial);
}

TEST_CASE("a node cut off the network for 15 s loses its shards to the others, nothing doubles",
          "[e2e][cluster][partition]") {
  if (!partition::available()) {
    WARN("skipped: partitions need root and iptables");
    return;
  }
  auto db = fresh_database();
  constexpr unsigned c_uid = 64999; // c runs as its own user: its packets can be told apart
  auto a = peer("node-a", db);
  auto b = peer("node-b", db);
  auto c = peer("node-c", db, {}, c_uid);
  REQUIRE(wait_until(
    [&] {
      auto o = owners(db, "orders");
      return o.size() == 3 && !o.count("-");
    },
    20s));
  REQUIRE(all_ready({a.get(), b.get(), c.get()}));
  std::vector<int64_t> products{35, 36, 37, 38};
  auto initial = stock_up(*a, products, 100000);
  load clients{{a.get(), b.get()}, products};
  REQUIRE(wait_until(
    [&] {
      return clients.count() >= 100;
    },
    30s));
  {
    partition cut{c->process->pid(), c_uid}; // DROP both ways, c's database connections too
    auto cut_at = std::chrono::steady_clock::now();
    REQUIRE(wait_until(
      [&] {
        auto o = owners(db, "orders");
        return !o.count("node-c") && !o.count("-") && !owners(db, "inventory").count("node-c");
      },
      8s));                            // its leases run out (3 s) and the others take them
    REQUIRE(clients.accepts_more(50)); // orders go on through the other doors
    std::this_thread::sleep_until(cut_at + 15s); // cut off 15 s in all
  }
  // Healed: c finds its leases gone (it stopped its shards when it could not renew them, and
  // anything it still tried under the old epochs was refused), and rejoins.
  REQUIRE(wait_until(
    [&] {
      return metric(*c, R"(agora_cluster_shards_lost_total{kind="orders"})")
               + metric(*c, R"(agora_cluster_fenced_writes_total{writer="journal"})")
             > 0;
    },
    20s));
  REQUIRE(wait_until(
    [&] {
      return owners(db, "orders")["node-c"] >= 8;
    },
    30s));
  finish_and_check(clients, db, {a.get(), b.get(), c.get()}, *c, initial);
}

TEST_CASE("the database away for 20 s under load: 503s, nothing lost, orders again within 5 s",
          "[e2e][cluster][database-away]") {
  if (!partition::available()) {
    WARN("skipped: cutting the database off needs root and iptables");
    return;
  }
  auto db = fresh_database();
  auto pg_port = std::stoi(db.substr(db.rfind(':') + 1, db.rfind('/') - db.rfind(':') - 1));
  constexpr unsigned uid = 64998; // the nodes' packets to the database can be told apart
  auto a = peer("node-a", db, {}, uid);
  auto b = peer("node-b", db, {}, uid);
  REQUIRE(wait_until(
    [&] {
      auto o = owners(db, "orders");
      return o.size() == 2 && !o.count("-");
    },
    20s));
  REQUIRE(all_ready({a.get(), b.get()}));
  std::vector<int64_t> products{39, 40};
  auto initial = stock_up(*a, products, 100000);
  load clients{{a.get(), b.get()}, products};
  REQUIRE(wait_until(
    [&] {
      return clients.count() >= 100;
    },
    30s));
  size_t accepted_during = 0;
  {
    partition away_a{a->process->pid(), uid, pg_port};
    partition away_b{b->process->pid(), uid, pg_port};
    auto cut_at = std::chrono::steady_clock::now();
    // Both doors say so and refuse new orders honestly (the load's clients check every answer is
    // 202 or 503), and nothing new is acknowledged for long.
    REQUIRE(wait_until(
      [&] {
        return a->get("/readyz").status == 503 && b->get("/readyz").status == 503;
      },
      15s));
    auto settled_in = clients.count();
    std::this_thread::sleep_until(cut_at + 20s);
    accepted_during = clients.count() - settled_in;
  }
  CHECK(accepted_during == 0); // nothing acknowledged that could not be journaled
  auto back_at = std::chrono::steady_clock::now();
  auto before = clients.count();
  REQUIRE(wait_until(
    [&] {
      return clients.count() > before;
    },
    30s));
  auto recovery = std::chrono::steady_clock::now() - back_at;
  CHECK(recovery <= 5s);
  INFO("recovered in " << std::chrono::duration_cast<std::chrono::milliseconds>(recovery).count()
                       << " ms");
  bool going = wait_until(
    [&] {
      return clients.count() >= before + 50;
    },
    30s);
  INFO(clients.refusals());
  INFO("a: " << warnings(*a) << "b: " << warnings(*b));
  REQUIRE(going);
  // Every acknowledged order is journaled and finished (an order caught mid-saga may have been
  // cancelled with its money returned, never lost).
  finish_and_check(clients, db, {a.get(), b.get()}, *a, initial, {"DELIVERED", "CANCELLED"});
}

TEST_CASE("a fourth node joins under load: it takes its share within 10 s, no request fails",
          "[e2e][cluster][join]") {
  auto db = fresh_database();
  auto peers = three_peers(db);
  auto& a = peers.a;
  auto& b = peers.b;
  auto& c = peers.c;
  std::vector<int64_t> products{45, 46, 47, 48};
  auto initial = stock_up(*a, products, 100000);
  load clients{{a.get(), b.get(), c.get()}, products};
  REQUIRE(wait_until(
    [&] {
      return clients.count() >= 100;
    },
    30s));
  auto joined_at = std::chrono::steady_clock::now();
  auto d = peer("node-d", db);
  REQUIRE(wait_until(
    [&] {
      return owners(db, "orders")["node-d"] >= 16 && owners(db, "inventory")["node-d"] >= 1;
    },
    20s));
  auto took = std::chrono::steady_clock::now() - joined_at;
  CHECK(took < 10s);
  REQUIRE(all_ready({a.get(), b.get(), c.get(), d.get()}));
  REQUIRE(clients.accepts_more(100));
  clients.finish();
  CHECK(clients.failed.empty());
  // Shards moved with a handoff (writes landed first), not by running out.
  CHECK(metric(*a, R"(agora_cluster_handoffs_total{kind="orders",outcome="done"})")
          + metric(*b, R"(agora_cluster_handoffs_total{kind="orders",outcome="done"})")
          + metric(*c, R"(agora_cluster_handoffs_total{kind="orders",outcome="done"})")
        >= 16);
  CHECK(metric(*a, R"(agora_cluster_shards_lost_total{kind="orders"})") == 0);
  // The operators' view agrees with the database.
  auto cluster = json_of(d->get("/admin/cluster"));
  REQUIRE(cluster["nodes"].size() == 4);
  int owned = 0;
  for (auto& n : cluster["nodes"]) {
    CHECK(n["status"] == "live");
    owned += n["shards"]["orders"].get<int>();
  }
  CHECK(owned == 64);
  auto shards = json_of(a->get("/admin/shards?kind=orders"));
  REQUIRE(shards["items"].size() == 64);
  CHECK(a->get("/admin/shards?kind=nope").status == 400);
  REQUIRE(wait_until(
    [&] {
      return unfinished(db) == "0";
    },
    60s));
  for (auto& id : clients.accepted)
    CHECK(order(*d, id)["status"] == "DELIVERED");
  check_invariants(db, {a.get(), b.get(), c.get(), d.get()}, initial);
}

// A stopping node may take with it the news of a delivery it was still retrying: the orders'
// owners find orders behind their shipment (every 5 s) and tell them again, so none stays SHIPPED.
TEST_CASE("a rolling restart of every node under load fails no request but with 503",
          "[e2e][cluster][rolling]") {
  auto db = fresh_database();
  std::vector<std::unique_ptr<agora_node>> nodes;
  for (auto id : {"node-a", "node-b", "node-c"})
    nodes.push_back(peer(id, db));
  REQUIRE(wait_until(
    [&] {
      auto o = owners(db, "orders");
      return o.size() == 3 && !o.count("-");
    },
    20s));
  REQUIRE(all_ready({nodes[0].get(), nodes[1].get(), nodes[2].get()}));
  std::vector<int64_t> products{49, 50};
  auto initial = stock_up(*nodes[0], products, 100000);
  // Clients of the first node's door only: each node in turn goes away, the first last.
  std::vector<std::string> accepted;
  for (size_t i = 0; i < nodes.size(); ++i) {
    auto door = i + 1 < nodes.size() ? nodes.back().get() : nodes.front().get();
    load clients{{door}, products};
    bool started = wait_until(
      [&] {
        return clients.count() >= 50;
      },
      30s);
    INFO(clients.refusals());
    INFO("door: " << door->get("/readyz").body);
    INFO("a: " << warnings(*nodes[0]) << "b: " << warnings(*nodes[1])
               << "c: " << warnings(*nodes[2]));
    REQUIRE(started);
    auto id = "node-" + std::string(1, static_cast<char>('a' + i));
    nodes[i]->process->signal(SIGTERM);
    REQUIRE(nodes[i]->process->wait_exit(30s) == 0);
    nodes[i] = peer(id, db);
    bool going = clients.accepts_more(50);
    INFO(clients.refusals());
    INFO("door: " << door->get("/readyz").body);
    INFO("a: " << warnings(*nodes[0]) << "b: " << warnings(*nodes[1])
               << "c: " << warnings(*nodes[2]));
    REQUIRE(going);
    clients.finish();
    CHECK(clients.failed.empty());
    accepted.insert(accepted.end(), clients.accepted.begin(), clients.accepted.end());
  }
  bool finished = wait_until(
    [&] {
      return unfinished(db) == "0";
    },
    60s);
  INFO(stuck(db));
  INFO("a: " << warnings(*nodes[0]) << "b: " << warnings(*nodes[1])
             << "c: " << warnings(*nodes[2]));
  REQUIRE(finished);
  for (auto& id : accepted)
    CHECK(order(*nodes[1], id)["status"] == "DELIVERED");
  std::vector<const agora_node*> doors;
  for (auto& n : nodes)
    doors.push_back(n.get());
  check_invariants(db, doors, initial);
}

// Scaling down by two at once (as `podman-compose` stopping two containers does): each leaving
// node hands its shards to the members that stay, not to the other one that is leaving too.
TEST_CASE("two nodes stopped together hand everything to the third, and no request stalls",
          "[e2e][cluster][scale-down]") {
  auto db = fresh_database();
  auto peers = three_peers(db);
  std::vector<int64_t> products{47, 48};
  auto initial = stock_up(*peers.a, products, 100000);
  load clients{{peers.a.get()}, products};
  REQUIRE(wait_until(
    [&] {
      return clients.count() >= 50;
    },
    30s));
  peers.b->process->signal(SIGTERM);
  peers.c->process->signal(SIGTERM);
  CHECK(peers.b->process->wait_exit(30s) == 0);
  CHECK(peers.c->process->wait_exit(30s) == 0);
  REQUIRE(wait_until(
    [&] {
      return owners(db, "orders")["node-a"] == 64;
    },
    20s));
  bool going = clients.accepts_more(50);
  INFO(clients.refusals());
  INFO("a: " << warnings(*peers.a));
  REQUIRE(going);
  // The door gives up on an actor after its request timeout (5 s): any longer wait is a stall.
  CHECK(clients.slowest < 6s);
  finish_and_check(clients, db, {peers.a.get()}, *peers.a, initial);
}

TEST_CASE("one catalog: a product created or repriced through one door is served by every door "
          "within a second",
          "[e2e][cluster][catalog]") {
  auto db = fresh_database();
  auto a = peer("node-a", db);
  auto b = peer("node-b", db);
  REQUIRE(all_ready({a.get(), b.get()}));
  json lamp{{"sku", "LAMP-7"}, {"name", "Desk lamp"}, {"price_cents", 4000}, {"initial_stock", 5}};
  auto created = a->send("POST", "/products", lamp, true);
  REQUIRE(created.status == 201);
  auto id = json_of(created)["id"].get<int64_t>();
  auto path = "/products/" + std::to_string(id);
  auto since = std::chrono::steady_clock::now();
  // b's catalog (its listing, its prices) has it within the refresh interval.
  REQUIRE(wait_until(
    [&] {
      return json_of(b->get("/products?q=LAMP-7"))["total"] == 1;
    },
    3s));
  CHECK(std::chrono::steady_clock::now() - since < 1500ms); // 500 ms refresh, and a margin
  CHECK(json_of(b->get(path))["available"] == 5);
  // Repriced through b: a prices new orders with it within the refresh interval.
  REQUIRE(b->send("PUT", path, {{"name", "Desk lamp"}, {"price_cents", 4500}}, true).status == 200);
  REQUIRE(wait_until(
    [&] {
      return json_of(a->get("/products?q=LAMP-7"))["items"][0]["price_cents"] == 4500;
    },
    3s));
  auto placed = place_order(*a, order_body(id, 1));
  REQUIRE(placed.status == 202);
  CHECK(json_of(placed)["total_cents"] == 4500);
  // Created through b, ordered through a at once after it shows there.
  auto second = b->send(
    "POST", "/products",
    {{"sku", "LAMP-8"}, {"name", "Floor lamp"}, {"price_cents", 9000}, {"initial_stock", 1}}, true);
  INFO(second.body << "\nb: " << warnings(*b) << "a: " << warnings(*a));
  REQUIRE(second.status == 201);
  auto id2 = json_of(second)["id"].get<int64_t>();
  REQUIRE(wait_until(
    [&] {
      return json_of(a->get("/products?q=LAMP-8"))["total"] == 1;
    },
    3s));
  CHECK(place_order(*a, order_body(id2, 1), 10).status == 201);
}

TEST_CASE("with no live payment node a door says why in /readyz and refuses new orders with 503",
          "[e2e][cluster][admission]") {
  auto db = fresh_database();
  auto port_a = free_port();
  auto port_b = free_port();
  std::vector<std::string> ttl{"--lease-ttl-ms=3000", "--cluster-timeout-ms=3000"};
  std::vector<std::string> flags_b{
    "--roles=payment,shipping", "--node-id=pay", "--cluster-port=" + std::to_string(port_b),
    "--seeds=127.0.0.1:" + std::to_string(port_a), "--shipping-step-seconds=1"};
  flags_b.insert(flags_b.end(), ttl.begin(), ttl.end());
  with_tls(flags_b, "pay");
  auto b = std::make_unique<agora_node>(flags_b, db, false);
  std::vector<std::string> flags_a{"--roles=frontdoor,orders,inventory,notification",
                                   "--node-id=shop", "--cluster-port=" + std::to_string(port_a),
                                   "--seeds=127.0.0.1:" + std::to_string(port_b)};
  flags_a.insert(flags_a.end(), ttl.begin(), ttl.end());
  with_tls(flags_a, "shop");
  agora_node a{flags_a, db};
  REQUIRE(place_order(a, order_body(20, 1)).status == 202);
  ::kill(b->process->pid(), SIGKILL);
  REQUIRE(b->process->wait_exit() == -SIGKILL);
  // Within the membership TTL the door knows: not ready, and new orders are refused at once.
  http_response ready;
  REQUIRE(wait_until(
    [&] {
      ready = a.get("/readyz");
      return ready.status == 503;
    },
    10s));
  CHECK(json_of(ready)["detail"].get<std::string>().find("no live payment node")
        != std::string::npos);
  auto refused = place_order(a, order_body(20, 1));
  CHECK(refused.status == 503);
  CHECK(refused.header("retry-after") == "1");
  CHECK(json_of(refused)["detail"].get<std::string>().find("payment") != std::string::npos);
  CHECK(sql_value(db, "SELECT count(*) FROM orders") == "1"); // nothing accepted to time out
  // The payment node comes back: the door is ready and takes orders again.
  b = std::make_unique<agora_node>(flags_b, db, false);
  REQUIRE(wait_until(
    [&] {
      return a.get("/readyz").status == 200;
    },
    20s));
  auto taken = place_order(a, order_body(20, 1));
  REQUIRE(taken.status == 202);
  await_status(a, json_of(taken)["id"], "DELIVERED");
}

TEST_CASE("payment on two nodes: when the one a shop found dies, it finds the other as a member",
          "[e2e][cluster][roles]") {
  auto db = fresh_database();
  auto port_shop = free_port();
  auto port_p1 = free_port();
  auto port_p2 = free_port();
  std::vector<std::string> ttl{"--lease-ttl-ms=3000", "--cluster-timeout-ms=3000",
                               "--shipping-step-seconds=1"};
  auto pay = [&](const std::string& id, uint16_t port) {
    std::vector<std::string> flags{"--roles=payment,shipping", "--node-id=" + id,
                                   "--cluster-port=" + std::to_string(port),
                                   "--seeds=127.0.0.1:" + std::to_string(port_shop)};
    flags.insert(flags.end(), ttl.begin(), ttl.end());
    with_tls(flags, id);
    return std::make_unique<agora_node>(flags, db, false);
  };
  auto p1 = pay("pay-1", port_p1);
  auto p2 = pay("pay-2", port_p2);
  // The shop's only seed is pay-1: pay-2 is known to it as a member, nothing else.
  std::vector<std::string> flags{"--roles=frontdoor,orders,inventory,notification",
                                 "--node-id=shop", "--cluster-port=" + std::to_string(port_shop),
                                 "--seeds=127.0.0.1:" + std::to_string(port_p1)};
  flags.insert(flags.end(), ttl.begin(), ttl.end());
  with_tls(flags, "shop");
  agora_node shop{flags, db};
  std::vector<std::string> before;
  for (int i = 0; i < 5; ++i)
    before.push_back(json_of(place_order(shop, order_body(20, 1)))["id"]);
  for (auto& id : before)
    await_status(shop, id, "DELIVERED");
  CHECK(sql_value(db, "SELECT count(*) FROM payments WHERE status = 'CAPTURED'") == "5");
  ::kill(p1->process->pid(), SIGKILL);
  REQUIRE(p1->process->wait_exit() == -SIGKILL);
  // Once the membership says pay-1 is gone (3 s), the shop is ready again: pay-2 serves both
  // roles, and orders go on through it.
  REQUIRE(wait_until(
    [&] {
      return shop.get("/readyz").status == 200;
    },
    20s));
  std::vector<std::string> after;
  for (int i = 0; i < 5; ++i) {
    auto r = place_order(shop, order_body(20, 1));
    REQUIRE(r.status == 202);
    after.push_back(json_of(r)["id"]);
  }
  for (auto& id : after)
    await_status(shop, id, "DELIVERED");
  CHECK(sql_value(db, "SELECT count(*) FROM payments WHERE status = 'CAPTURED'") == "10");
  // Found on pay-2, which no flag of the shop names.
  auto log = shop.process->log();
  CHECK(log.find(R"("event":"cluster.resolved","role":"payment","member":"pay-2")")
        != std::string::npos);
}

TEST_CASE("a payment node paused past an order's deadline never captures after the cancel",
          "[e2e][cluster][late-charge]") {
  auto db = fresh_database();
  auto port_a = free_port();
  auto port_b = free_port();
  // A membership TTL and connection timeout longer than the pause: the door keeps accepting and
  // the held charges reach the payment node when it wakes, long after the orders gave up.
  std::vector<std::string> flags_b{"--roles=payment,shipping",
                                   "--node-id=pay",
                                   "--cluster-port=" + std::to_string(port_b),
                                   "--seeds=127.0.0.1:" + std::to_string(port_a),
                                   "--shipping-step-seconds=1",
                                   "--cluster-timeout-ms=20000"};
  with_tls(flags_b, "pay");
  agora_node b{flags_b, db, false};
  std::vector<std::string> flags_a{"--roles=frontdoor,orders,inventory,notification",
                                   "--node-id=shop",
                                   "--cluster-port=" + std::to_string(port_a),
                                   "--seeds=127.0.0.1:" + std::to_string(port_b),
                                   "--cluster-timeout-ms=20000",
                                   "--order-step-timeout-ms=1500"};
  with_tls(flags_a, "shop");
  agora_node a{flags_a, db};
  b.process->signal(SIGSTOP);
  std::vector<std::string> accepted;
  for (int i = 0; i < 20; ++i) {
    auto r = place_order(a, order_body(20 + i % 4, 1));
    REQUIRE(r.status == 202);
    accepted.push_back(json_of(r)["id"]);
  }
  // Three charge attempts of 1.5 s each, then the orders cancel with TIMEOUT and release.
  REQUIRE(wait_until(
    [&] {
      return sql_value(db, "SELECT count(*) FROM orders WHERE status = 'CANCELLED'")
             == std::to_string(accepted.size());
    },
    30s));
  b.process->signal(SIGCONT);
  // The held charges come due after their deadlines: none is made; the voids leave tombstones.
  REQUIRE(wait_until(
    [&] {
      return unfinished(db) == "0"
             && sql_value(db, "SELECT count(*) FROM payments WHERE status = 'VOIDED'")
                  == std::to_string(accepted.size());
    },
    60s));
  // The held charges were refused as too late (the path ran; nothing was captured by luck).
  CHECK(b.process->log().find("\"event\":\"payment.charge_too_late\"") != std::string::npos);
  CHECK(sql_value(db, "SELECT count(*) FROM payments WHERE status <> 'VOIDED'") == "0");
  CHECK(sql_value(db, "SELECT count(*) FROM orders WHERE reason = 'TIMEOUT'")
        == std::to_string(accepted.size()));
  CHECK(sql_value(db, "SELECT count(*) FROM holds WHERE status = 'HELD'") == "0");
}
