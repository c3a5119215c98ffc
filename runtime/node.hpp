#pragma once

#include "runtime/config.hpp"

namespace agora::runtime {

/// Assembles and runs a node until SIGINT or SIGTERM: database (wait, migrate, pool), actor
/// system, stores and actors, the front door. Returns the process exit code: 0 after a clean
/// shutdown, 1 when start-up fails (after one line on stderr saying why).
int run_node(const node_config& config);

/// main(): parses the configuration, then runs the node.
int main(int argc, char** argv);

} // namespace agora::runtime
