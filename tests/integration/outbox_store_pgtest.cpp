#include "persistence/outbox_store.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/store_fixture.hpp"

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>
#include <catch2/catch.hpp>

#include <set>

using namespace agora;
using namespace agora::protocol;
using namespace std::chrono_literals;

namespace {

struct fixture : test::store_fixture {
  outbox_store_actor store;

  fixture() : store_fixture(4) {
    store = persistence::spawn_outbox_store(*sys, *pool, 2, registry);
  }

  ~fixture() {
    caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
  }

  void queue(int n) {
    test::sql_value(url, "INSERT INTO notifications (id, dedupe_key, type, recipient, subject, "
                         "body_text, created_at) SELECT 'ntf_' || i, 'k' || i, 'ORDER_CREATED', "
                         "'a@example.com', 's', 'b', now() - interval '3 seconds' FROM "
                         "generate_series(1, "
                           + std::to_string(n) + ") i");
  }

  template <class T, class... Ts>
  T ask(Ts... xs) {
    caf::scoped_actor self{*sys};
    T out{};
    self->request(store, 10s, xs...)
      .receive(
        [&](T& x) {
          out = std::move(x);
        },
        [](caf::error& err) {
          FAIL(to_string(err));
        });
    return out;
  }

  std::vector<outbox_mail> claim(int n, int64_t lease_ms = 60000) {
    return ask<std::vector<outbox_mail>>(claim_atom_v, int32_t{n}, lease_ms, int32_t{0});
  }

  std::string row(const std::string& id, const std::string& columns) {
    return test::sql_value(url,
                           "SELECT " + columns + " FROM notifications WHERE id = '" + id + "'");
  }
};

} // namespace

TEST_CASE("a claim takes due rows, counts the attempt and hides them for the lease",
          "[outbox][pg]") {
  fixture f;
  f.queue(3);
  auto first = f.claim(2);
  REQUIRE(first.size() == 2);
  CHECK(first[0].attempt == 1);
  CHECK(first[0].recipient == "a@example.com");
  CHECK(first[0].created_at_ms > 0);
  auto second = f.claim(5);
  REQUIRE(second.size() == 1); // the first two are leased
  CHECK(f.claim(5).empty());
  CHECK(f.row(first[0].id, "status || attempts || (next_attempt_at > now() + interval '50 s')")
        == "QUEUED1true");
}

TEST_CASE("concurrent claims never hand out the same row", "[outbox][pg]") {
  fixture f;
  f.queue(60);
  caf::scoped_actor self{*f.sys};
  auto a = self->request(f.store, 10s, claim_atom_v, int32_t{25}, int64_t{60000}, int32_t{0});
  auto b = self->request(f.store, 10s, claim_atom_v, int32_t{25}, int64_t{60000}, int32_t{0});
  auto c = self->request(f.store, 10s, claim_atom_v, int32_t{25}, int64_t{60000}, int32_t{0});
  std::multiset<std::string> ids;
  auto collect = [&](std::vector<outbox_mail>& rows) {
    for (auto& m : rows)
      ids.insert(m.id);
  };
  auto fail = [](caf::error& err) {
    FAIL(to_string(err));
  };
  a.receive(collect, fail);
  b.receive(collect, fail);
  c.receive(collect, fail);
  CHECK(ids.size() == 60);
  CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == 60);
}

TEST_CASE("outcomes are fenced by the attempt they belong to", "[outbox][pg]") {
  fixture f;
  f.queue(1);
  auto m = f.claim(1, 0).at(0); // a lease of 0: due again at once, as if its claimer had died
  auto again = f.claim(1).at(0);
  REQUIRE(again.attempt == 2);
  CHECK_FALSE(f.ask<bool>(sent_atom_v, m.id, m.attempt)); // the stale claimer is ignored
  CHECK(f.row(m.id, "status") == "QUEUED");
  CHECK(f.ask<bool>(sent_atom_v, again.id, again.attempt));
  CHECK(f.row(m.id, "status || ' ' || (sent_at IS NOT NULL)") == "SENT true");
  CHECK_FALSE(f.ask<bool>(failed_atom_v, m.id, again.attempt, std::string{"late"}));
  CHECK(f.row(m.id, "status") == "SENT");
}

TEST_CASE("a retry waits, a deferral gives the attempt back, a failure is final", "[outbox][pg]") {
  fixture f;
  f.queue(2);
  auto rows = f.claim(2);
  REQUIRE(rows.size() == 2);
  auto& retried = rows[0];
  auto& deferred = rows[1];
  CHECK(f.ask<bool>(retry_atom_v, retried.id, retried.attempt, int64_t{60000},
                    std::string{"450 mailbox busy"}, true));
  CHECK(f.row(retried.id, "attempts || ' ' || last_error || ' ' || (next_attempt_at > now())")
        == "1 450 mailbox busy true");
  CHECK(f.ask<bool>(retry_atom_v, deferred.id, deferred.attempt, int64_t{0},
                    std::string{"connection refused"}, false));
  CHECK(f.row(deferred.id, "attempts") == "0");
  auto next = f.claim(5);
  REQUIRE(next.size() == 1); // the deferred one is due now, the retried one later
  CHECK(next[0].id == deferred.id);
  CHECK(next[0].attempt == 1);
  CHECK(f.ask<bool>(failed_atom_v, next[0].id, next[0].attempt, std::string{"550 no such user"}));
  CHECK(f.row(deferred.id, "status || ' ' || last_error") == "FAILED 550 no such user");
  CHECK(f.claim(5).empty());
}

TEST_CASE("stats count the queue and age its oldest row", "[outbox][pg]") {
  fixture f;
  CHECK(f.ask<outbox_stats>(stats_atom_v).queued == 0);
  f.queue(4);
  auto s = f.ask<outbox_stats>(stats_atom_v);
  CHECK(s.queued == 4);
  CHECK(s.oldest_queued_ms >= 3000);
  CHECK(s.oldest_queued_ms < 60000);
}
