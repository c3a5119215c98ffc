#include "runtime/actor_system.hpp"

#include "actors/protocol/accounts.hpp"
#include "actors/protocol/catalog.hpp"
#include "actors/protocol/cluster.hpp"
#include "actors/protocol/domain_types.hpp"
#include "actors/protocol/entity.hpp"
#include "actors/protocol/health.hpp"
#include "actors/protocol/introspection.hpp"
#include "actors/protocol/inventory.hpp"
#include "actors/protocol/mail.hpp"
#include "actors/protocol/order.hpp"
#include "actors/protocol/payment.hpp"
#include "actors/protocol/reads.hpp"
#include "actors/protocol/shipping.hpp"

#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>

#include <algorithm>
#include <thread>

namespace agora::runtime {

void add_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::agora_health>();
  cfg.add_message_types<caf::id_block::agora_domain>();
  cfg.add_message_types<caf::id_block::agora_catalog>();
  cfg.add_message_types<caf::id_block::agora_inventory>();
  cfg.add_message_types<caf::id_block::agora_order>();
  cfg.add_message_types<caf::id_block::agora_payment>();
  cfg.add_message_types<caf::id_block::agora_shipping>();
  cfg.add_message_types<caf::id_block::agora_reads>();
  cfg.add_message_types<caf::id_block::agora_mail>();
  cfg.add_message_types<caf::id_block::agora_entity>();
  cfg.add_message_types<caf::id_block::agora_accounts>();
  cfg.add_message_types<caf::id_block::agora_introspection>();
  cfg.add_message_types<caf::id_block::agora_cluster>();
}

void configure_actor_system(caf::actor_system_config& cfg, size_t scheduler_threads,
                            const cluster::transport_options& cluster) {
  add_message_types(cfg);
  cfg.load<caf::io::middleman>();
  if (cluster.tls()) {
    // Mutual TLS: each side presents its certificate and accepts only the cluster CA's.
    cfg.load<caf::openssl::manager>();
    cfg.set("openssl.certificate", cluster.certificate);
    cfg.set("openssl.key", cluster.key);
    cfg.set("openssl.cafile", cluster.ca);
  }
  // Notice a silent peer (a partition, not just a closed socket) within seconds.
  cfg.set("middleman.heartbeat-interval", caf::timespan{cluster.heartbeat});
  cfg.set("middleman.connection-timeout", caf::timespan{cluster.timeout});
  cfg.set("middleman.app-identifiers", std::vector<std::string>{"agora-1"});
  // One worker per core: CAF's own default, max(cores, 4), oversubscribes a 2-core machine
  // (measured: GET /products/{id} +27 % with 2 workers instead of 4 on 2 cores).
  if (scheduler_threads == 0)
    scheduler_threads = std::max(1u, std::thread::hardware_concurrency());
  cfg.set("scheduler.max-threads", scheduler_threads);
  // Idle workers park on their condition variable soon instead of polling with 50 us sleeps
  // for 25 ms: on a busy 2-core machine every such wake-up is a context switch taken from
  // PostgreSQL and the I/O threads.
  cfg.set("work-stealing.aggressive-poll-attempts", size_t{10});
  cfg.set("work-stealing.moderate-poll-attempts", size_t{0});
  // CAF's own console logger stays quiet; agora logs through runtime/base/log.hpp.
  cfg.set("logger.console-verbosity", caf::atom("quiet"));
}

} // namespace agora::runtime
