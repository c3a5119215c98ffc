#pragma once

#include "runtime/base/counted_actor.hpp"
#include "runtime/base/metrics.hpp"

#include <caf/actor_cast.hpp>
#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scheduled_actor.hpp>
#include <caf/send.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

namespace prometheus {
class Counter;
class Gauge;
template <typename T>
class Family;
class Registry;
} // namespace prometheus

namespace agora {

/// What the node knows about one live actor. The introspection console and /admin/actors read
/// these; `agora_actors_alive{type}` counts them.
struct actor_entry {
  uint64_t id = 0;  ///< CAF actor id, unique within the node
  std::string type; ///< "order", "inventory", "store.probe", ...
  std::string key;  ///< entity key (order id, shard number) or empty
  std::string node; ///< node id hosting the actor
  std::chrono::system_clock::time_point since;
  /// Shared with the actor: its message count, mailbox and recent messages; set by track().
  std::shared_ptr<actor_stats> stats;
  size_t mailbox = 0; ///< the last sampled mailbox depth (long-lived actors sample theirs)
};

/// How an actor ended, for `agora_actor_stops_total{reason}`.
enum class stop_kind : uint8_t { normal, shutdown, failure };

/// Thread-safe table of the node's live actors. Actors add themselves when they start and remove
/// themselves when they stop; the critical sections are a map insert or erase, never I/O.
class actor_registry {
 public:
  actor_registry(std::string node, prometheus::Registry& metrics);

  actor_registry(const actor_registry&) = delete;
  actor_registry& operator=(const actor_registry&) = delete;

  /// Records a live actor; `entry.node` and `entry.since` are filled in when empty.
  void add(actor_entry entry);
  void remove(uint64_t id, stop_kind how = stop_kind::normal);

  /// Records the mailbox depth `depth` that actor `id` just read of itself.
  void sample(uint64_t id, size_t depth);

  std::optional<actor_entry> find(uint64_t id) const;

  /// `agora_actor_messages_handled_total{type}`, for actors spawned with spawn_counted().
  prometheus::Counter* messages_handled(const std::string& type);

  /// Entries ordered by id, optionally restricted to one type.
  std::vector<actor_entry> snapshot(const std::string& type = {}) const;

  size_t size() const;

  /// Whether every actor tracked from now on records its recent messages always, not only
  /// while watched (--record-messages).
  void record_always(bool on) {
    record_always_ = on;
  }
  bool records_always() const {
    return record_always_;
  }

  /// Where node_counters() reads the node's own counters from (set once, at assembly).
  void count_with(std::function<metrics::node_sample()> sampler);
  /// The node's counters now; empty (at_ms 0) before count_with().
  metrics::node_sample node_counters() const;

  const std::string& node() const {
    return node_;
  }

 private:
  struct per_type {
    prometheus::Gauge* alive;
    prometheus::Gauge* mailbox;
    prometheus::Counter* starts;
    prometheus::Counter* handled;
  };
  per_type& metrics_for(const std::string& type);

  std::string node_;
  prometheus::Family<prometheus::Gauge>& alive_;
  prometheus::Family<prometheus::Gauge>& mailbox_;
  prometheus::Family<prometheus::Counter>& starts_;
  prometheus::Family<prometheus::Counter>& stops_;
  prometheus::Family<prometheus::Counter>& handled_;
  mutable std::mutex mutex_;
  std::map<uint64_t, actor_entry> entries_;
  std::unordered_map<std::string, per_type> types_;
  std::function<metrics::node_sample()> sampler_;
  std::atomic<bool> record_always_{false};
};

/// An exception that escaped a handler of actor `type` (`key`): logged as an error naming the
/// actor and what was thrown (CAF's own handler says nothing), then the actor stops with
/// sec::runtime_error, as it would have.
caf::error log_exception(const std::string& type, const std::string& key, std::exception_ptr& x);

/// Why an actor stopped, as the registry counts it.
inline stop_kind stop_kind_of(const caf::error& reason) {
  if (!reason || reason == caf::exit_reason::normal)
    return stop_kind::normal;
  if (reason == caf::exit_reason::user_shutdown)
    return stop_kind::shutdown;
  return stop_kind::failure;
}

/// Records `self` (any CAF actor) as a live actor of `type` until it terminates; an actor spawned
/// with spawn_counted() also counts its messages under `type`, and in the stats answered (where
/// it may also say what state it is in).
template <class Self>
std::shared_ptr<actor_stats> track(Self* self, actor_registry& registry, std::string type,
                                   std::string key = {}) {
  if constexpr (std::is_base_of_v<caf::scheduled_actor, Self>)
    self->set_exception_handler(
      [type, key](caf::scheduled_actor*, std::exception_ptr& x) -> caf::error {
        return log_exception(type, key, x);
      });
  auto stats = std::make_shared<actor_stats>();
  if (registry.records_always())
    stats->watched_until_ms = std::numeric_limits<int64_t>::max();
  if (auto* counting = dynamic_cast<message_counting*>(self))
    counting->count_into(registry.messages_handled(type), stats);
  registry.add({self->id(), std::move(type), std::move(key), "", {}, stats, 0});
  self->attach_functor([&registry, id = self->id()](const caf::error& reason) {
    registry.remove(id, stop_kind_of(reason));
  });
  return stats;
}

using sample_atom = caf::atom_constant<caf::atom("sample")>;

/// track(), and `self` samples its own mailbox depth every `period` (for long-lived actors:
/// shards, stores, routers). The sample message is outside every typed interface, so the
/// actor's default handler takes it; any other unexpected message is dropped as before.
template <class Self>
void track_sampled(Self* self, actor_registry& registry, std::string type, std::string key = {},
                   std::chrono::milliseconds period = std::chrono::seconds{1}) {
  track(self, registry, std::move(type), std::move(key));
  self->set_default_handler([&registry, period](caf::scheduled_actor* s,
                                                caf::message_view& x) -> caf::result<caf::message> {
    if (!x.content().template match_elements<sample_atom>())
      return caf::print_and_drop(s, x);
    registry.sample(s->id(), s->mailbox().size());
    caf::delayed_anon_send(caf::actor_cast<caf::actor>(s), period, sample_atom::value);
    return caf::message{};
  });
  caf::anon_send(caf::actor_cast<caf::actor>(self), sample_atom::value);
}

} // namespace agora
