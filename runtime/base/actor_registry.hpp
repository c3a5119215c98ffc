#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace prometheus {
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
  /// Reads the actor's current mailbox depth; may be empty.
  std::function<size_t()> mailbox_depth;
};

/// Thread-safe table of the node's live actors. Actors add themselves when they start and remove
/// themselves when they stop; the critical sections are a map insert or erase, never I/O.
class actor_registry {
 public:
  actor_registry(std::string node, prometheus::Registry& metrics);

  actor_registry(const actor_registry&) = delete;
  actor_registry& operator=(const actor_registry&) = delete;

  /// Records a live actor; `entry.node` and `entry.since` are filled in when empty.
  void add(actor_entry entry);
  void remove(uint64_t id);

  std::optional<actor_entry> find(uint64_t id) const;

  /// Entries ordered by id, optionally restricted to one type.
  std::vector<actor_entry> snapshot(const std::string& type = {}) const;

  size_t size() const;
  const std::string& node() const {
    return node_;
  }

 private:
  prometheus::Gauge& gauge_for(const std::string& type);

  std::string node_;
  prometheus::Family<prometheus::Gauge>& alive_;
  mutable std::mutex mutex_;
  std::map<uint64_t, actor_entry> entries_;
  std::unordered_map<std::string, prometheus::Gauge*> gauges_;
};

/// Records `self` (any CAF actor) as a live actor of `type` until it terminates.
template <class Self>
void track(Self* self, actor_registry& registry, std::string type, std::string key = {}) {
  registry.add({self->id(), std::move(type), std::move(key), "", {}, {}});
  self->attach_functor([&registry, id = self->id()] {
    registry.remove(id);
  });
}

} // namespace agora
