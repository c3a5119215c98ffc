#pragma once

#include "cluster/directory.hpp"

#include <caf/actor_system_config.hpp>

#include <cstddef>

namespace agora::runtime {

/// Registers every agora type-ID block (the one place that lists them).
void add_message_types(caf::actor_system_config& cfg);

/// CAF configuration for a node: the message types, the middleman, the scheduler sized, and
/// settings tests share with the node.
void configure_actor_system(caf::actor_system_config& cfg, size_t scheduler_threads,
                            const cluster::transport_options& cluster = {});

} // namespace agora::runtime
