#pragma once

#include "persistence/database.hpp"

#include <caf/error.hpp>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace prometheus {
class Registry;
}

namespace pqxx {
class transaction_base;
}

namespace agora::persistence {

/// A statement that many jobs' rows share: the writer sends `head`, every row of the batch joined
/// by commas, then `tail`, as one statement. Specs run in ascending `rank`, before free-form SQL.
struct merge_spec {
  int rank = 0;
  std::string head; ///< e.g. "INSERT INTO order_events (order_id, seq) VALUES "
  std::string tail; ///< e.g. " ON CONFLICT DO NOTHING"
  /// Rows sent once each and in one order (sorted as text), however many jobs of the batch
  /// carry them: for checks that take locks, which every writer then takes in the same order.
  bool distinct = false;
  /// For rows inserted ON CONFLICT DO NOTHING (a step retried, whose row may exist already): the
  /// table and its key column that each row's `key` names. The batch commits whatever the rows
  /// meet, and the writer learns in the same round trip which keys did not land: their jobs
  /// alone fail with errc::conflict (they changed nothing) and their owners read the stored row.
  /// A plain insert would fail the whole batch.
  std::string table{};
  std::string key_column{};
};

struct write_row {
  const merge_spec* spec = nullptr; ///< a static spec that outlives the writer
  std::string values;               ///< "(...)"; literals quoted with sql.hpp
  std::string key{};                ///< its key, quoted, when the spec names a table
};

/// One unit of a group commit: rows and statements that must commit together, and how to learn
/// the outcome. Rows of one spec from every job in a batch become one multi-row statement, so a
/// batch costs a few statements whatever its size.
struct write_job {
  std::vector<write_row> rows;
  std::string sql;    ///< free-form statements, run after the merged ones in submission order
  std::string verify; ///< a query that returns a row iff this job committed (for lost COMMITs)
  /// Called once on the writer thread with the outcome (an empty error on success). Keep it short:
  /// actors get the news by message (caf::anon_send), never by a call from this thread.
  std::function<void(const caf::error&)> done;
  /// Nobody outside waits on it (an entity's own step, not a client's request): it may wait for
  /// the writer's linger. A job that may not ends the linger at once, for the whole batch.
  bool can_wait = false;
};

struct writer_options {
  std::string name = "journal"; ///< the `writer` label of its metrics
  size_t max_batch = 1000;
  /// After a batch's first job, wait this long for more (or until max_batch) before committing,
  /// while every queued job `can_wait`: fewer, larger commits. Zero: commit what is queued at once.
  std::chrono::microseconds linger{0};
  int attempts = 3; ///< tries for a batch while the database is away
  std::chrono::milliseconds retry_pause{200};
  std::chrono::milliseconds statement_timeout{30000}; ///< of every statement of a batch
  /// Commits a batch's transaction; empty: tx.commit(). A seam for tests that lose a COMMIT's
  /// acknowledgement on purpose (commit, then throw pqxx::in_doubt_error).
  std::function<void(pqxx::transaction_base&)> commit;
};

/// The group-commit writer: a dedicated thread with its own connection that takes every queued job
/// (up to max_batch) into one transaction and one round trip, so throughput is not one commit per
/// event. If the batch fails on a statement, each job is retried alone so one bad job fails only
/// itself. A COMMIT whose acknowledgement is lost (pqxx::in_doubt_error) is resolved per job by
/// its `verify` query, never by blind retry.
class writer {
 public:
  writer(std::string url, prometheus::Registry& metrics, writer_options options = {});
  ~writer();

  writer(const writer&) = delete;
  writer& operator=(const writer&) = delete;

  void submit(write_job job);

  /// Finishes the queued jobs, then stops the thread.
  void stop();

  size_t queued() const;

  /// The statements a batch sends: merged rows by spec rank, then each job's free-form SQL, then
  /// (when a spec names a table) a query of the positions of the jobs whose rows did not land.
  static std::string batch_sql(const std::deque<write_job>& batch);

 private:
  static std::string skip_check(const std::deque<write_job>& batch);

  void run();
  void process(std::deque<write_job>& batch);
  void isolate(std::deque<write_job>& batch);
  void resolve_in_doubt(std::deque<write_job>& batch);
  pqxx::connection& conn();

  struct metrics_set;
  std::string url_;
  writer_options options_;
  std::unique_ptr<metrics_set> metrics_;
  std::unique_ptr<pqxx::connection> conn_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<write_job> queue_;
  size_t prompt_ = 0; ///< queued jobs that may not wait
  bool stopping_ = false;
  std::thread thread_;
};

} // namespace agora::persistence
