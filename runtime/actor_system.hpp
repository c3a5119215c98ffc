#pragma once

#include <caf/actor_system_config.hpp>

#include <cstddef>

namespace agora::runtime {

/// CAF configuration for a node: every agora type-ID block registered (in one place), scheduler
/// sized, and settings tests share with the node.
void configure_actor_system(caf::actor_system_config& cfg, size_t scheduler_threads);

} // namespace agora::runtime
