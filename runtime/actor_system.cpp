#include "runtime/actor_system.hpp"

#include "actors/protocol/health.hpp"

namespace agora::runtime {

void configure_actor_system(caf::actor_system_config& cfg, size_t scheduler_threads) {
  cfg.add_message_types<caf::id_block::agora_health>();
  if (scheduler_threads > 0)
    cfg.set("scheduler.max-threads", scheduler_threads);
  // CAF's own console logger stays quiet; agora logs through runtime/base/log.hpp.
  cfg.set("logger.console-verbosity", caf::atom("quiet"));
}

} // namespace agora::runtime
