#include "tests/support/store_fixture.hpp"

#include "persistence/migrations.hpp"
#include "runtime/actor_system.hpp"
#include "tests/support/pg.hpp"

#include <pqxx/connection>

namespace agora::test {

store_fixture::store_fixture(size_t pool_size) : url(fresh_database()) {
  pqxx::connection conn{url};
  persistence::apply_migrations(conn, persistence::builtin_migrations());
  persistence::database_options o;
  o.url = url;
  o.pool_size = pool_size;
  pool = std::make_unique<persistence::connection_pool>(o, hub.registry());
  runtime::configure_actor_system(cfg, 2);
  sys = std::make_unique<caf::actor_system>(cfg);
}

} // namespace agora::test
