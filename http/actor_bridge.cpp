#include "http/actor_bridge.hpp"

#include "runtime/base/actor_registry.hpp"
#include "runtime/base/log.hpp"

#include <caf/send.hpp>

namespace agora::http {

namespace {

caf::behavior bridge_actor(caf::event_based_actor* self, actor_registry* registry) {
  track_sampled(self, *registry, "http.bridge");
  // An exception would end this actor and strand every request routed to it after: a bug, so it
  // is logged loudly, and the bridge lives on.
  self->set_exception_handler([](caf::scheduled_actor*, std::exception_ptr& e) -> caf::error {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      log::error("http.bridge_exception").kv("error", x.what());
    } catch (...) {
      log::error("http.bridge_exception").kv("error", "unknown");
    }
    return caf::sec::runtime_error;
  });
  return {[=](bridge_job& job) {
    try {
      job.run(self);
    } catch (const std::exception& x) {
      log::error("http.bridge_exception").kv("error", x.what());
    }
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
