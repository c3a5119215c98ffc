#include "runtime/base/actor_registry.hpp"
#include "runtime/base/clock.hpp"
#include "runtime/base/metrics.hpp"
#include "tests/support/wait.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <catch2/catch.hpp>

using namespace agora;

TEST_CASE("the registry lists live actors and counts them by type", "[registry]") {
  metrics::hub hub{"test", "n1"};
  actor_registry reg{"n1", hub.registry()};
  reg.add({1, "order", "ord_a", "", {}, {}});
  auto stats = std::make_shared<actor_stats>();
  stats->mailbox = 7;
  reg.add({2, "order", "ord_b", "", {}, stats});
  reg.add({3, "inventory", "0", "", {}, {}});
  CHECK(reg.size() == 3);
  auto orders = reg.snapshot("order");
  REQUIRE(orders.size() == 2);
  CHECK(orders[0].key == "ord_a");
  CHECK(orders[0].node == "n1");
  CHECK(orders[0].since.time_since_epoch().count() > 0);
  CHECK(orders[1].stats->mailbox == 7);
  auto text = hub.render();
  CHECK(text.find("agora_actors_alive{type=\"order\"} 2") != std::string::npos);
  reg.remove(1);
  reg.remove(1); // twice is harmless
  CHECK_FALSE(reg.find(1));
  CHECK(reg.find(2)->key == "ord_b");
  CHECK(hub.render().find("agora_actors_alive{type=\"order\"} 1") != std::string::npos);
}

TEST_CASE("re-registering an actor replaces it without counting it twice", "[registry]") {
  metrics::hub hub{"test", "n1"};
  actor_registry reg{"n1", hub.registry()};
  reg.add({5, "order", "a", "", {}, {}});
  reg.add({5, "passivated", "a", "", {}, {}});
  CHECK(reg.size() == 1);
  auto text = hub.render();
  CHECK(text.find("agora_actors_alive{type=\"order\"} 0") != std::string::npos);
  CHECK(text.find("agora_actors_alive{type=\"passivated\"} 1") != std::string::npos);
}

TEST_CASE("the metrics hub renders process metrics and build info", "[metrics]") {
  metrics::hub hub{"1.2.3", "n9"};
  auto text = hub.render();
  CHECK(text.find("agora_build_info{node=\"n9\",version=\"1.2.3\"} 1") != std::string::npos);
  CHECK(text.find("process_resident_memory_bytes ") != std::string::npos);
  CHECK(text.find("process_cpu_seconds_total ") != std::string::npos);
  CHECK(text.find("process_open_fds ") != std::string::npos);
}

TEST_CASE("starts, stops by reason and sampled mailboxes are counted by type", "[registry]") {
  metrics::hub hub{"test", "n1"};
  actor_registry reg{"n1", hub.registry()};
  reg.add({1, "inventory", "0", "", {}, {}});
  reg.add({2, "inventory", "1", "", {}, {}});
  reg.sample(1, 5);
  reg.sample(2, 3);
  reg.sample(2, 1); // a new sample replaces the actor's last one
  auto text = hub.render();
  CHECK(text.find("agora_actor_starts_total{type=\"inventory\"} 2") != std::string::npos);
  CHECK(text.find("agora_actor_mailbox_depth{type=\"inventory\"} 6") != std::string::npos);
  reg.remove(1, stop_kind::failure);
  reg.remove(2, stop_kind::shutdown);
  text = hub.render();
  CHECK(text.find("agora_actor_mailbox_depth{type=\"inventory\"} 0") != std::string::npos);
  CHECK(text.find("agora_actor_stops_total{reason=\"failure\",type=\"inventory\"} 1")
        != std::string::npos);
  CHECK(text.find("agora_actor_stops_total{reason=\"shutdown\",type=\"inventory\"} 1")
        != std::string::npos);
  CHECK(stop_kind_of(caf::error{}) == stop_kind::normal);
  CHECK(stop_kind_of(caf::make_error(caf::exit_reason::user_shutdown)) == stop_kind::shutdown);
  CHECK(stop_kind_of(caf::make_error(caf::exit_reason::unhandled_exception)) == stop_kind::failure);
}

TEST_CASE("actors spawned with spawn_counted count the messages they handle", "[registry]") {
  metrics::hub hub{"test", "n1"};
  actor_registry reg{"n1", hub.registry()};
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto echo = [](caf::event_based_actor* self, actor_registry* registry,
                 const char* type) -> caf::behavior {
    track(self, *registry, type);
    return {[](int x) {
      return x;
    }};
  };
  auto counted = spawn_counted(sys, echo, &reg, "echo");
  auto plain = sys.spawn(echo, &reg, "plain"); // tracked, but not counting
  caf::scoped_actor me{sys};
  REQUIRE(test::wait_until([&] { // an actor tracks itself once it runs
    return reg.find(counted->id()) && reg.find(plain->id());
  }));
  auto stats = reg.find(counted->id())->stats;
  REQUIRE(stats != nullptr);
  stats->watch(unix_ms(), 60000);
  for (int i = 0; i < 5; ++i)
    for (auto& target : {counted, plain})
      me->request(target, caf::infinite, i)
        .receive(
          [&](int x) {
            CHECK(x == i);
          },
          [](caf::error&) {
            FAIL("no answer");
          });
  // An actor counts a message once its handler returned: the reply can arrive first.
  CHECK(test::wait_until([&] {
    return hub.render().find("agora_actor_messages_handled_total{type=\"echo\"} 5")
           != std::string::npos;
  }));
  CHECK(hub.render().find("agora_actor_messages_handled_total{type=\"plain\"} 0")
        != std::string::npos);
  // Each actor's own count, and while watched the kind and sender of what it handled.
  CHECK(stats->messages == 5);
  auto recent = stats->recent();
  REQUIRE(recent.size() == 5);
  CHECK(recent[0].kind == "message");
  CHECK(recent[0].from == std::to_string(me->id()));
  CHECK(recent[0].at_ms > 0);
  CHECK(reg.find(plain->id())->stats->messages == 0);
  for (auto& target : {counted, plain})
    me->send_exit(target, caf::exit_reason::user_shutdown);
}

TEST_CASE("an actor's recent messages are a bounded ring kept only while watched", "[registry]") {
  actor_stats stats;
  CHECK_FALSE(stats.watched(1000));
  CHECK(stats.watch(1000, 500) == 1500);
  CHECK(stats.watch(1000, 100) == 1500); // a shorter look does not cut a longer one short
  CHECK(stats.watched(1499));
  CHECK_FALSE(stats.watched(1500));
  for (int i = 0; i < 40; ++i)
    stats.record({"get", "", i});
  auto recent = stats.recent();
  REQUIRE(recent.size() == actor_stats::recent_capacity);
  CHECK(recent.front().at_ms == 40 - static_cast<int64_t>(actor_stats::recent_capacity));
  CHECK(recent.back().at_ms == 39);
  stats.set_state("PAID");
  CHECK(stats.state() == "PAID");
}

TEST_CASE("with --record-messages every actor records its messages without being watched",
          "[registry]") {
  metrics::hub hub{"test", "n1"};
  actor_registry reg{"n1", hub.registry()};
  reg.record_always(true);
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto echo = spawn_counted(sys, [&reg](caf::event_based_actor* self) -> caf::behavior {
    track(self, reg, "echo");
    return {[](int x) {
      return x;
    }};
  });
  caf::scoped_actor me{sys};
  me->request(echo, caf::infinite, 1)
    .receive([](int) {},
             [](caf::error&) {
               FAIL("no answer");
             });
  REQUIRE(test::wait_until([&] {
    auto e = reg.find(echo->id());
    return e && e->stats->recent().size() == 1;
  }));
  me->send_exit(echo, caf::exit_reason::user_shutdown);
}
