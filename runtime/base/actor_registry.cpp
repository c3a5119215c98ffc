#include "runtime/base/actor_registry.hpp"

#include "runtime/base/clock.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"

#include <caf/actor_control_block.hpp>
#include <caf/actor_system.hpp>
#include <caf/node_id.hpp>
#include <caf/system_messages.hpp>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <algorithm>

namespace agora {

actor_registry::actor_registry(std::string node, prometheus::Registry& metrics)
  : node_(std::move(node)),
    alive_(metrics::gauges(metrics, "agora_actors_alive", "Live actors on this node by type")),
    mailbox_(
      metrics::gauges(metrics, "agora_actor_mailbox_depth",
                      "Messages waiting in the mailboxes of the long-lived actors of a type, as "
                      "they last sampled them (every second)")),
    starts_(
      metrics::counters(metrics, "agora_actor_starts_total",
                        "Actors started by type (orders count each activation from the journal)")),
    stops_(metrics::counters(metrics, "agora_actor_stops_total",
                             "Actors stopped by type and reason (normal, shutdown, failure)")),
    handled_(
      metrics::counters(metrics, "agora_actor_messages_handled_total",
                        "Messages the actors of a type took from their mailboxes and handled")) {}

int64_t actor_stats::watch(int64_t now_ms, int64_t window_ms) {
  auto until = now_ms + window_ms;
  auto seen = watched_until_ms.load(std::memory_order_relaxed);
  while (seen < until && !watched_until_ms.compare_exchange_weak(seen, until))
    ;
  return std::max(seen, until);
}

void actor_stats::record(handled_message m) {
  std::lock_guard<std::mutex> guard{mutex_};
  if (recent_.size() == recent_capacity)
    recent_.pop_front();
  recent_.push_back(std::move(m));
}

std::vector<handled_message> actor_stats::recent() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return {recent_.begin(), recent_.end()};
}

void actor_stats::set_state(std::string state) {
  std::lock_guard<std::mutex> guard{mutex_};
  state_ = std::move(state);
}

std::string actor_stats::state() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return state_;
}

handled_message describe(const caf::mailbox_element& x, int64_t now_ms) {
  handled_message m;
  m.at_ms = now_ms;
  auto& content = x.content();
  if (x.mid.is_response())
    m.kind = "reply";
  else if (content.empty())
    m.kind = "empty";
  else if (content.match_element<caf::atom_value>(0))
    m.kind = caf::to_string(content.get_as<caf::atom_value>(0));
  else if (content.match_element<caf::down_msg>(0))
    m.kind = "down";
  else if (content.match_element<caf::exit_msg>(0))
    m.kind = "exit";
  else
    m.kind = "message";
  if (x.sender) {
    m.from = std::to_string(x.sender->id());
    if (x.sender->node() != x.sender->home_system->node())
      m.from += "@" + caf::to_string(x.sender->node());
  }
  return m;
}

void message_counting::handling(const caf::mailbox_element& x) {
  pending_.kind.clear();
  // Never watched (almost every actor): no clock read on the hot path.
  if (stats_ == nullptr || stats_->watched_until_ms.load(std::memory_order_relaxed) == 0)
    return;
  auto now = unix_ms();
  if (stats_->watched(now))
    pending_ = describe(x, now);
}

void message_counting::handled(size_t left) {
  if (handled_ != nullptr)
    handled_->Increment();
  if (stats_ == nullptr)
    return;
  stats_->messages.fetch_add(1, std::memory_order_relaxed);
  stats_->mailbox.store(left, std::memory_order_relaxed);
  if (!pending_.kind.empty())
    stats_->record(std::move(pending_));
}

actor_registry::per_type& actor_registry::metrics_for(const std::string& type) {
  auto i = types_.find(type);
  if (i == types_.end())
    i = types_
          .emplace(type, per_type{&alive_.Add({{"type", type}}), &mailbox_.Add({{"type", type}}),
                                  &starts_.Add({{"type", type}}), &handled_.Add({{"type", type}})})
          .first;
  return i->second;
}

void actor_registry::add(actor_entry entry) {
  if (entry.node.empty())
    entry.node = node_;
  if (entry.since == std::chrono::system_clock::time_point{})
    entry.since = std::chrono::system_clock::now();
  std::lock_guard<std::mutex> guard{mutex_};
  auto old = entries_.find(entry.id);
  if (old != entries_.end()) { // a re-registration replaces the old entry, counted once
    auto& m = metrics_for(old->second.type);
    m.alive->Decrement();
    m.mailbox->Decrement(static_cast<double>(old->second.mailbox));
  } else {
    metrics_for(entry.type).starts->Increment();
  }
  metrics_for(entry.type).alive->Increment();
  entry.mailbox = 0;
  entries_.insert_or_assign(entry.id, std::move(entry));
}

void actor_registry::remove(uint64_t id, stop_kind how) {
  static constexpr const char* reasons[] = {"normal", "shutdown", "failure"};
  std::lock_guard<std::mutex> guard{mutex_};
  auto i = entries_.find(id);
  if (i == entries_.end())
    return;
  auto& m = metrics_for(i->second.type);
  m.alive->Decrement();
  m.mailbox->Decrement(static_cast<double>(i->second.mailbox));
  stops_.Add({{"type", i->second.type}, {"reason", reasons[static_cast<int>(how)]}}).Increment();
  entries_.erase(i);
}

void actor_registry::sample(uint64_t id, size_t depth) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto i = entries_.find(id);
  if (i == entries_.end())
    return;
  auto& m = metrics_for(i->second.type);
  m.mailbox->Increment(static_cast<double>(depth) - static_cast<double>(i->second.mailbox));
  i->second.mailbox = depth;
  if (i->second.stats != nullptr)
    i->second.stats->mailbox.store(depth, std::memory_order_relaxed);
}

prometheus::Counter* actor_registry::messages_handled(const std::string& type) {
  std::lock_guard<std::mutex> guard{mutex_};
  return metrics_for(type).handled;
}

std::optional<actor_entry> actor_registry::find(uint64_t id) const {
  std::lock_guard<std::mutex> guard{mutex_};
  auto i = entries_.find(id);
  if (i == entries_.end())
    return std::nullopt;
  return i->second;
}

std::vector<actor_entry> actor_registry::snapshot(const std::string& type) const {
  std::lock_guard<std::mutex> guard{mutex_};
  std::vector<actor_entry> out;
  out.reserve(entries_.size());
  for (auto& [id, entry] : entries_)
    if (type.empty() || entry.type == type)
      out.push_back(entry);
  return out;
}

void actor_registry::count_with(std::function<metrics::node_sample()> sampler) {
  std::lock_guard<std::mutex> guard{mutex_};
  sampler_ = std::move(sampler);
}

metrics::node_sample actor_registry::node_counters() const {
  std::function<metrics::node_sample()> sampler;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    sampler = sampler_;
  }
  return sampler ? sampler() : metrics::node_sample{};
}

size_t actor_registry::size() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return entries_.size();
}

caf::error log_exception(const std::string& type, const std::string& key, std::exception_ptr& x) {
  std::string what = "an exception of unknown type";
  try {
    std::rethrow_exception(x);
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
  }
  log::error("actor.exception").kv("type", type).kv("key", key).kv("error", what);
  return caf::make_error(caf::sec::runtime_error, std::move(what));
}

} // namespace agora
