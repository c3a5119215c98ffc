#include "actors/protocol/errors.hpp"
#include "persistence/migrations.hpp"
#include "persistence/writer.hpp"
#include "runtime/base/metrics.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>
#include <pqxx/connection>
#include <pqxx/except>
#include <pqxx/transaction_base>

#include <atomic>
#include <mutex>

using namespace agora;
using namespace agora::persistence;
using namespace std::chrono_literals;

namespace {

struct outcomes {
  std::mutex mutex;
  std::vector<caf::error> errors;
  std::atomic<size_t> count{0};

  std::function<void(const caf::error&)> record() {
    return [this](const caf::error& err) {
      std::lock_guard<std::mutex> guard{mutex};
      errors.push_back(err);
      ++count;
    };
  }
  size_t failures() {
    std::lock_guard<std::mutex> guard{mutex};
    size_t n = 0;
    for (auto& e : errors)
      n += e ? 1 : 0;
    return n;
  }
};

/// Commits so far (every batch and every retried part of one), from the writer's histogram.
double commits(metrics::hub& hub, const std::string& writer_name) {
  auto text = hub.render();
  std::string name = "agora_db_write_batch_size_count{writer=\"" + writer_name + "\"} ";
  auto at = text.find(name);
  return at == std::string::npos ? -1.0 : std::stod(text.substr(at + name.size()));
}

} // namespace

TEST_CASE("the writer commits many jobs in few transactions", "[writer]") {
  auto url = test::fresh_database();
  test::sql_value(url, "CREATE TABLE t (id int PRIMARY KEY)");
  metrics::hub hub{"t", "n"};
  writer w{url, hub.registry()};
  outcomes out;
  for (int i = 1; i <= 2000; ++i)
    w.submit({{}, "INSERT INTO t VALUES (" + std::to_string(i) + ")", "", out.record()});
  REQUIRE(test::wait_until(
    [&] {
      return out.count == 2000;
    },
    20s));
  CHECK(out.failures() == 0);
  CHECK(test::sql_value(url, "SELECT count(*) FROM t") == "2000");
  auto batches = commits(hub, "journal");
  REQUIRE(batches >= 0); // the histogram is there
  CHECK(batches < 2000); // grouped: fewer commits than jobs
}

TEST_CASE("a lingering writer waits for more jobs, until one that may not wait comes", "[writer]") {
  auto url = test::fresh_database();
  test::sql_value(url, "CREATE TABLE t (id int PRIMARY KEY)");
  metrics::hub hub{"t", "n"};
  writer_options options;
  options.name = "effects";
  options.linger = 300ms; // far longer than submitting 20 jobs takes
  options.max_batch = 50;
  writer w{url, hub.registry(), options};
  outcomes out;
  auto submit = [&](int from, int to, bool can_wait = true) {
    for (int i = from; i <= to; ++i)
      w.submit(
        {{}, "INSERT INTO t VALUES (" + std::to_string(i) + ")", "", out.record(), can_wait});
  };
  auto batches = [&] {
    return commits(hub, "effects");
  };
  submit(1, 20);
  REQUIRE(test::wait_until([&] {
    return out.count == 20;
  }));
  CHECK(batches() == 1); // the first job waited for the other 19
  submit(21, 120);       // full batches go without waiting: 50, 50, then what is left
  REQUIRE(test::wait_until([&] {
    return out.count == 120;
  }));
  CHECK(out.failures() == 0);
  CHECK(batches() <= 4);
  CHECK(test::sql_value(url, "SELECT count(*) FROM t") == "120");
  // A job that may not wait (a client's) ends the linger at once and takes the queue with it.
  auto before = batches();
  auto started = std::chrono::steady_clock::now();
  submit(121, 125);
  submit(126, 126, false);
  REQUIRE(test::wait_until([&] {
    return out.count == 126;
  }));
  CHECK(std::chrono::steady_clock::now() - started < 250ms); // not the 300 ms linger
  CHECK(batches() == before + 1);
}

TEST_CASE("one bad job in a batch fails alone, the others commit", "[writer]") {
  auto url = test::fresh_database();
  test::sql_value(url, "CREATE TABLE t (id int PRIMARY KEY CHECK (id > 0))");
  metrics::hub hub{"t", "n"};
  writer w{url, hub.registry()};
  outcomes out;
  caf::error bad_outcome;
  std::atomic<bool> bad_done{false};
  for (int i = 1; i <= 50; ++i)
    w.submit({{}, "INSERT INTO t VALUES (" + std::to_string(i) + ")", "", out.record()});
  w.submit({{}, "INSERT INTO t VALUES (-1)", "", [&](const caf::error& e) {
              bad_outcome = e;
              bad_done = true;
            }});
  for (int i = 51; i <= 100; ++i)
    w.submit({{}, "INSERT INTO t VALUES (" + std::to_string(i) + ")", "", out.record()});
  REQUIRE(test::wait_until(
    [&] {
      return out.count == 100 && bad_done;
    },
    20s));
  CHECK(out.failures() == 0);
  CHECK(bad_outcome == protocol::errc::conflict);
  CHECK(test::sql_value(url, "SELECT count(*) FROM t") == "100");
}

TEST_CASE("jobs fail with storage_unavailable when the database is unreachable", "[writer]") {
  metrics::hub hub{"t", "n"};
  writer_options options;
  options.attempts = 2;
  options.retry_pause = 10ms;
  writer w{"postgresql://postgres@127.0.0.1:1/none", hub.registry(), options};
  caf::error outcome;
  std::atomic<bool> done{false};
  w.submit({{}, "SELECT 1", "", [&](const caf::error& e) {
              outcome = e;
              done = true;
            }});
  REQUIRE(test::wait_until(
    [&] {
      return done.load();
    },
    10s));
  CHECK(outcome == protocol::errc::storage_unavailable);
}

TEST_CASE("stopping the writer finishes what was queued", "[writer]") {
  auto url = test::fresh_database();
  test::sql_value(url, "CREATE TABLE t (id int PRIMARY KEY)");
  metrics::hub hub{"t", "n"};
  outcomes out;
  {
    writer w{url, hub.registry()};
    for (int i = 1; i <= 300; ++i)
      w.submit({{}, "INSERT INTO t VALUES (" + std::to_string(i) + ")", "", out.record()});
    w.stop();
    CHECK(out.count == 300);
  }
  CHECK(test::sql_value(url, "SELECT count(*) FROM t") == "300");
}

namespace {
const persistence::merge_spec merged_insert{1, "INSERT INTO t VALUES ", ""};
} // namespace

TEST_CASE("rows of many jobs merge into one statement, a bad row fails only its job", "[writer]") {
  auto url = test::fresh_database();
  test::sql_value(url, "CREATE TABLE t (id int PRIMARY KEY CHECK (id > 0))");
  std::deque<write_job> jobs;
  for (int i = 1; i <= 3; ++i)
    jobs.push_back({{{&merged_insert, "(" + std::to_string(i) + ")"}}, "", "", {}});
  CHECK(writer::batch_sql(jobs) == "INSERT INTO t VALUES (1), (2), (3);\n");
  metrics::hub hub{"t", "n"};
  writer w{url, hub.registry()};
  outcomes out;
  caf::error bad_outcome;
  std::atomic<bool> bad_done{false};
  for (int i = 1; i <= 40; ++i)
    w.submit({{{&merged_insert, "(" + std::to_string(i) + ")"}}, "", "", out.record()});
  w.submit({{{&merged_insert, "(-7)"}}, "", "", [&](const caf::error& e) {
              bad_outcome = e;
              bad_done = true;
            }});
  REQUIRE(test::wait_until(
    [&] {
      return out.count == 40 && bad_done;
    },
    20s));
  CHECK(out.failures() == 0);
  CHECK(bad_outcome == protocol::errc::conflict);
  CHECK(test::sql_value(url, "SELECT count(*) FROM t") == "40");
}

namespace {

const merge_spec skipping_insert{
  1, "INSERT INTO t (id, k) VALUES ", " ON CONFLICT DO NOTHING", false, "t", "id"};

} // namespace

TEST_CASE("a skipped insert fails only its job, and the batch commits at once", "[writer]") {
  auto url = test::fresh_database();
  test::sql_value(url, "CREATE TABLE t (id int PRIMARY KEY, k int UNIQUE)");
  test::sql_value(url, "INSERT INTO t VALUES (1000, 5)"); // the row a first owner stored
  metrics::hub hub{"t", "n"};
  writer_options options;
  options.linger = 300ms; // one batch for all of them
  writer w{url, hub.registry(), options};
  outcomes out;
  caf::error skipped_outcome;
  std::atomic<bool> skipped_done{false};
  auto job = [](int id, int k, std::function<void(const caf::error&)> done) {
    return write_job{{{&skipping_insert, "(" + std::to_string(id) + ", " + std::to_string(k) + ")",
                       std::to_string(id)}},
                     "",
                     "SELECT 1 FROM t WHERE id = " + std::to_string(id),
                     std::move(done),
                     true};
  };
  std::deque<write_job> two;
  two.push_back(job(1, 101, {}));
  two.push_back(job(2, 102, {}));
  CHECK(writer::batch_sql(two) // one anti-join per table, not a subquery per row
        == "INSERT INTO t (id, k) VALUES (1, 101), (2, 102) ON CONFLICT DO NOTHING;\n"
           "SELECT c.n FROM (VALUES (0, 1), (1, 2)) AS c (n, k) WHERE NOT EXISTS (SELECT 1 FROM "
           "t AS t WHERE t.id = c.k);\n");
  for (int i = 1; i <= 20; ++i)
    w.submit(job(i, 100 + i, out.record()));
  w.submit(job(21, 5, [&](const caf::error& e) { // k = 5 exists: this row is skipped
    skipped_outcome = e;
    skipped_done = true;
  }));
  REQUIRE(test::wait_until([&] {
    return out.count == 20 && skipped_done;
  }));
  CHECK(out.failures() == 0);
  CHECK(skipped_outcome == protocol::errc::conflict);
  CHECK(commits(hub, "journal") == 1); // no statement failed, nothing was retried apart
  CHECK(test::sql_value(url, "SELECT count(*) FROM t") == "21");
  CHECK(test::sql_value(url, "SELECT id FROM t WHERE k = 5") == "1000");
}

TEST_CASE("a batch with one bad job is halved, not retried job by job", "[writer]") {
  auto url = test::fresh_database();
  test::sql_value(url, "CREATE TABLE t (id int PRIMARY KEY CHECK (id > 0), k int)");
  metrics::hub hub{"t", "n"};
  writer_options options;
  options.linger = 500ms;
  options.max_batch = 256;
  writer w{url, hub.registry(), options};
  outcomes out;
  for (int i = 1; i <= 256; ++i) // the 100th is bad
    w.submit({{{&skipping_insert, "(" + std::to_string(i == 100 ? -1 : i) + ", 0)",
                std::to_string(i == 100 ? -1 : i)}},
              "",
              "",
              out.record(),
              true});
  REQUIRE(test::wait_until([&] {
    return out.count == 256;
  }));
  CHECK(out.failures() == 1);
  CHECK(test::sql_value(url, "SELECT count(*) FROM t") == "255");
  // The full batch, then at each of 8 halvings the half that fails and the half that commits.
  CHECK(commits(hub, "journal") <= 17);
}

TEST_CASE("a lost COMMIT acknowledgement is resolved by reading back, never by retrying",
          "[writer]") {
  auto url = test::fresh_database();
  test::sql_value(url, "CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)");
  metrics::hub hub{"t", "n"};
  std::atomic<int> commits{0};
  writer_options options;
  options.commit = [&](pqxx::transaction_base& tx) {
    switch (++commits) {
      case 1: // the server committed, the acknowledgement never arrived
        tx.commit();
        throw pqxx::in_doubt_error{"simulated: connection lost after COMMIT was sent"};
      case 2: // the connection died before the server committed
        tx.abort();
        throw pqxx::in_doubt_error{"simulated: connection lost before COMMIT arrived"};
      default: tx.commit();
    }
  };
  writer w{url, hub.registry(), options};
  auto run = [&](int id) {
    outcomes out;
    w.submit({{},
              "INSERT INTO t (id) VALUES (" + std::to_string(id) + "); UPDATE t SET n = n + 1",
              "SELECT 1 FROM t WHERE id = " + std::to_string(id),
              out.record()});
    REQUIRE(test::wait_until([&] {
      return out.count == 1;
    }));
    return out.errors.at(0);
  };
  CHECK_FALSE(run(1)); // committed: read back, reported done
  auto lost = run(2);  // not committed: reported unknown, not retried
  CHECK(lost == protocol::errc::storage_unavailable);
  CHECK_FALSE(run(3));
  CHECK(test::sql_value(url, "SELECT string_agg(id || ':' || n, ',' ORDER BY id) FROM t")
        == "1:2,3:1"); // job 1 committed once, job 2 never
  CHECK(hub.render().find("agora_db_write_errors_total{kind=\"in_doubt\",writer=\"journal\"} 2")
        != std::string::npos);
}
