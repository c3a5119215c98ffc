#pragma once

#include "runtime/base/embedded_file.hpp"

#include <pqxx/connection>

#include <string>
#include <vector>

namespace agora::persistence {

/// The migrations compiled into the binary: persistence/migrations/NNN_name.sql, in order.
const std::vector<embedded_file>& builtin_migrations();

struct migration_report {
  std::vector<std::string> applied; ///< names applied by this call
  size_t already = 0;               ///< names found applied before
};

/// Applies every migration not yet recorded in schema_migrations, in order, each in its own
/// transaction that also records it. Serialised across processes by an advisory lock, so nodes
/// starting together apply each migration once. Throws std::runtime_error when a recorded
/// migration's checksum differs from the file's (a shipped migration was edited) or when names are
/// not strictly increasing NNN_name.sql.
migration_report apply_migrations(pqxx::connection& conn,
                                  const std::vector<embedded_file>& migrations);

} // namespace agora::persistence
