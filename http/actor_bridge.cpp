#include "http/actor_bridge.hpp"

#include "runtime/base/actor_registry.hpp"

#include <caf/send.hpp>

namespace agora::http {

namespace {

caf::behavior bridge_actor(caf::event_based_actor* self, actor_registry* registry) {
  track_sampled(self, *registry, "http.bridge");
  return {[=](bridge_job& job) {
    job.run(self);
  }};
}

} // namespace

bridge_pool::bridge_pool(caf::actor_system& sys, size_t size, actor_registry& registry) {
  for (size_t i = 0; i < std::max<size_t>(size, 1); ++i)
    actors_.push_back(spawn_counted(sys, bridge_actor, &registry));
}

bridge_pool::~bridge_pool() {
  for (auto& a : actors_)
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

void bridge_pool::run(bridge_job job) {
  caf::anon_send(actors_[next_++ % actors_.size()], std::move(job));
}

} // namespace agora::http
