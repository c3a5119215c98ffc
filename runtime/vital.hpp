#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

// The node's long-lived actors (stores, hosts, routers, the lease keeper) have no restart: one
// that fails (an exception escaped a handler, say) leaves the node renewing leases for shards it
// no longer serves, its orders stuck until someone kills it. So the node watches them, and a
// failure stops the node instead: it leaves (handing over what it still can), exits with 1, and
// a supervisor starts it again; meanwhile the survivors own its shards.
namespace agora::runtime {

struct vital_watch {
  std::atomic<bool> stopping{false}; ///< set before a shutdown stops the actors on purpose
  std::atomic<bool> failed{false};   ///< an actor failed: the process was asked to stop
};

/// Monitors `actors`: each that stops for another reason than normal or user_shutdown while
/// `watch` is not stopping is logged (`node.actor_failed`, its name and reason); the first marks
/// `watch` failed and calls `stop` (the node's: SIGTERM to itself). Answers the watcher, to stop
/// at shutdown.
caf::actor spawn_vital_watch(caf::actor_system& sys, const std::vector<caf::actor>& actors,
                             std::shared_ptr<vital_watch> watch, std::function<void()> stop);

} // namespace agora::runtime
