#include "persistence/writer.hpp"

#include "persistence/errors.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"

#include <pqxx/nontransaction>
#include <pqxx/result>
#include <pqxx/transaction>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <string_view>

namespace agora::persistence {

struct writer::metrics_set {
  prometheus::Histogram& batch_size;
  prometheus::Histogram& commit_seconds;
  prometheus::Family<prometheus::Counter>& errors;
  prometheus::Gauge& queued;
  prometheus::Counter& fenced;
};

writer::writer(std::string url, prometheus::Registry& reg, writer_options options)
  : url_(std::move(url)), options_(options) {
  auto& batch =
    metrics::histograms(reg, "agora_db_write_batch_size",
                        "Jobs per group commit (journal events, stock changes)")
      .Add({{"writer", options_.name}},
           prometheus::Histogram::BucketBoundaries{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000});
  auto& commit = metrics::histograms(reg, "agora_db_commit_duration_seconds",
                                     "Time to execute and commit one group commit")
                   .Add({{"writer", options_.name}}, metrics::latency_buckets());
  auto& errors =
    metrics::counters(reg, "agora_db_write_errors_total",
                      "Failed group commits by kind (unavailable, in_doubt, statement)");
  auto& queued =
    metrics::gauges(reg, "agora_db_write_queue_jobs", "Jobs waiting for the group-commit writer")
      .Add({{"writer", options_.name}});
  for (auto* kind : {"in_doubt", "unavailable", "statement"}) // known series exist from the start
    errors.Add({{"writer", options_.name}, {"kind", kind}});
  auto& fenced = metrics::counters(reg, "agora_cluster_fenced_writes_total",
                                   "Entity writes the database refused because their shard's "
                                   "lease had moved on (a stale owner fenced off)")
                   .Add({{"writer", options_.name}});
  metrics_.reset(new metrics_set{batch, commit, errors, queued, fenced});
  thread_ = std::thread{[this] {
    run();
  }};
}

writer::~writer() {
  stop();
}

void writer::submit(write_job job) {
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (!stopping_) {
      bool prompt = !job.can_wait;
      prompt_ += prompt ? 1 : 0;
      queue_.push_back(std::move(job));
      metrics_->queued.Set(static_cast<double>(queue_.size()));
      // The writer waits for a first job, or lingers for a full batch or a job that may not
      // wait: no wake-up in between.
      if (queue_.size() == 1 || queue_.size() >= options_.max_batch || prompt)
        wake_.notify_one();
      return;
    }
  }
  job.done(caf::make_error(protocol::errc::storage_unavailable, std::string{"writer stopped"}));
}

void writer::stop() {
  {
    std::lock_guard<std::mutex> guard{mutex_};
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable())
    thread_.join();
}

size_t writer::queued() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return queue_.size();
}

pqxx::connection& writer::conn() {
  if (!conn_ || !conn_->is_open())
    conn_ = connect(url_, options_.statement_timeout);
  return *conn_;
}

void writer::run() {
  for (;;) {
    std::deque<write_job> batch;
    {
      std::unique_lock<std::mutex> guard{mutex_};
      wake_.wait(guard, [this] {
        return stopping_ || !queue_.empty();
      });
      if (queue_.empty())
        return; // stopping, and everything queued is done
      if (options_.linger.count() > 0)
        wake_.wait_for(guard, options_.linger, [this] {
          return stopping_ || prompt_ > 0 || queue_.size() >= options_.max_batch;
        });
      while (!queue_.empty() && batch.size() < options_.max_batch) {
        prompt_ -= queue_.front().can_wait ? 0 : 1;
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      metrics_->queued.Set(static_cast<double>(queue_.size()));
    }
    process(batch);
  }
}

std::string writer::batch_sql(const std::deque<write_job>& batch) {
  std::map<std::pair<int, const merge_spec*>, std::string> merged;
  std::map<const merge_spec*, std::set<std::string_view>> distinct;
  for (auto& job : batch)
    for (auto& row : job.rows) {
      if (row.spec->distinct && !distinct[row.spec].insert(row.values).second)
        continue;
      auto& values = merged[{row.spec->rank, row.spec}];
      if (row.spec->distinct)
        continue; // joined below, in order
      values += values.empty() ? "" : ", ";
      values += row.values;
    }
  for (auto& [spec, rows] : distinct) {
    auto& values = merged[{spec->rank, spec}];
    for (auto row : rows)
      values.append(values.empty() ? "" : ", ").append(row);
  }
  size_t size = 0;
  for (auto& [key, values] : merged)
    size += key.second->head.size() + values.size() + key.second->tail.size() + 2;
  for (auto& job : batch)
    size += job.sql.size() + 2;
  std::string text;
  text.reserve(size);
  for (auto& [key, values] : merged)
    text.append(key.second->head).append(values).append(key.second->tail).append(";\n");
  for (auto& job : batch)
    if (!job.sql.empty())
      text.append(job.sql).append(";\n");
  return text.append(skip_check(batch));
}

/// Last, so that its rows are what the batch's exec answers: the positions of the jobs with a
/// row that a conflict skipped. One anti-join per table (a subquery per row would cost
/// PostgreSQL ~20 ms per hundred rows to plan and run; this ~1.5 ms).
std::string writer::skip_check(const std::deque<write_job>& batch) {
  std::map<const merge_spec*, std::string> keys;
  for (size_t i = 0; i < batch.size(); ++i)
    for (auto& row : batch[i].rows)
      if (!row.spec->table.empty()) {
        auto& values = keys[row.spec];
        values.append(values.empty() ? "" : ", ")
          .append("(" + std::to_string(i) + ", " + row.key + ")");
      }
  std::string text;
  for (auto& [spec, values] : keys)
    text.append(text.empty() ? "" : " UNION ALL ")
      .append("SELECT c.n FROM (VALUES " + values + ") AS c (n, k) WHERE NOT EXISTS (SELECT 1 FROM "
              + spec->table + " AS t WHERE t." + spec->key_column + " = c.k)");
  return text.empty() ? text : text + ";\n";
}

void writer::process(std::deque<write_job>& batch) {
  metrics_->batch_size.Observe(static_cast<double>(batch.size()));
  auto text = batch_sql(batch);
  bool check = std::any_of(batch.begin(), batch.end(), [](const write_job& job) {
    return std::any_of(job.rows.begin(), job.rows.end(), [](const write_row& row) {
      return !row.spec->table.empty();
    });
  });
  for (int attempt = 1;; ++attempt) {
    auto started = std::chrono::steady_clock::now();
    try {
      pqxx::work tx{conn()};
      auto last = tx.exec(text);
      std::vector<bool> skipped(batch.size());
      if (check)
        for (const auto& row : last)
          skipped.at(row[0].as<size_t>()) = true;
      if (options_.commit)
        options_.commit(tx);
      else
        tx.commit();
      metrics_->commit_seconds.Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      for (size_t i = 0; i < batch.size(); ++i)
        batch[i].done(skipped[i] ? caf::make_error(protocol::errc::conflict,
                                                   std::string{"a row of the same key exists"})
                                 : caf::error{});
      return;
    } catch (const pqxx::in_doubt_error&) {
      metrics_->errors.Add({{"writer", options_.name}, {"kind", "in_doubt"}}).Increment();
      conn_.reset();
      resolve_in_doubt(batch);
      return;
    } catch (const pqxx::broken_connection& e) {
      metrics_->errors.Add({{"writer", options_.name}, {"kind", "unavailable"}}).Increment();
      conn_.reset();
      if (attempt >= options_.attempts) {
        log::warn("db.write_failed").kv("jobs", batch.size()).kv("error", e.what());
        for (auto& job : batch)
          job.done(caf::make_error(protocol::errc::storage_unavailable,
                                   std::string{"database unreachable"}));
        return;
      }
      std::this_thread::sleep_for(options_.retry_pause * attempt);
    } catch (...) {
      metrics_->errors.Add({{"writer", options_.name}, {"kind", "statement"}}).Increment();
      if (conn_ && !conn_->is_open())
        conn_.reset();
      if (batch.size() == 1) {
        auto err = translate_current_exception();
        if (err == protocol::errc::fenced)
          metrics_->fenced.Increment();
        batch.front().done(err);
        return;
      }
      isolate(batch);
      return;
    }
  }
}

/// Halves a failed batch until its bad jobs stand alone: k bad jobs of n cost about 2k·log2(n)
/// commits instead of n, so a rare bad job under load does not turn the writer into one commit
/// per job while its queue grows.
void writer::isolate(std::deque<write_job>& batch) {
  auto middle = batch.begin() + static_cast<std::ptrdiff_t>(batch.size() / 2);
  std::deque<write_job> first{std::make_move_iterator(batch.begin()),
                              std::make_move_iterator(middle)};
  std::deque<write_job> second{std::make_move_iterator(middle),
                               std::make_move_iterator(batch.end())};
  process(first);
  process(second);
}

void writer::resolve_in_doubt(std::deque<write_job>& batch) {
  for (auto& job : batch) {
    caf::error outcome =
      caf::make_error(protocol::errc::storage_unavailable, std::string{"commit outcome unknown"});
    try {
      if (!job.verify.empty()) {
        pqxx::nontransaction tx{conn()};
        if (!tx.exec(job.verify).empty())
          outcome = {};
      }
    } catch (...) {
      conn_.reset();
    }
    log::warn("db.commit_in_doubt").kv("resolved", !outcome).kv("verify", job.verify);
    job.done(outcome);
  }
}

} // namespace agora::persistence
