#include "http/actor_bridge.hpp"

#include <caf/send.hpp>

namespace agora::http {

bridge_pool::bridge_pool(caf::actor_system& sys, size_t size) {
  for (size_t i = 0; i < std::max<size_t>(size, 1); ++i)
    actors_.push_back(sys.spawn([](caf::event_based_actor* self) -> caf::behavior {
      return {[=](bridge_job& job) {
        job.run(self);
      }};
    }));
}

bridge_pool::~bridge_pool() {
  for (auto& a : actors_)
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

void bridge_pool::run(bridge_job job) {
  caf::anon_send(actors_[next_++ % actors_.size()], std::move(job));
}

} // namespace agora::http
