#include "persistence/migrations.hpp"

#include "actors/domain/hash.hpp"
#include "runtime/base/log.hpp"

#include <pqxx/transaction>

#include <cctype>
#include <cstdio>
#include <stdexcept>

namespace agora::persistence {

namespace {

// pg_advisory_xact_lock key: "agora" + "mig" as an arbitrary, fixed 64-bit number.
constexpr long long migration_lock_key = 0x61676f72616d6967LL;

// Detects an edited migration, not an attacker.
std::string checksum(std::string_view text) {
  return domain::stable_hash_hex(text);
}

int version_of(std::string_view name) {
  if (name.size() < 9 || name.substr(name.size() - 4) != ".sql" || name[3] != '_'
      || !std::isdigit(static_cast<unsigned char>(name[0]))
      || !std::isdigit(static_cast<unsigned char>(name[1]))
      || !std::isdigit(static_cast<unsigned char>(name[2])))
    throw std::runtime_error("migration name is not NNN_name.sql: " + std::string{name});
  return std::stoi(std::string{name.substr(0, 3)});
}

void lock_and_ensure_table(pqxx::work& tx) {
  // A migration may rewrite a large table, and the lock waits for another node's migrations.
  tx.exec("SET LOCAL statement_timeout = 0");
  tx.exec("SELECT pg_advisory_xact_lock(" + std::to_string(migration_lock_key) + ")");
  tx.exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
          " version integer PRIMARY KEY,"
          " name text NOT NULL,"
          " checksum text NOT NULL,"
          " applied_at timestamptz NOT NULL DEFAULT now())");
}

} // namespace

migration_report apply_migrations(pqxx::connection& conn,
                                  const std::vector<embedded_file>& migrations) {
  migration_report report;
  int previous = 0;
  for (auto& m : migrations) {
    int version = version_of(m.name);
    if (version <= previous)
      throw std::runtime_error("migration versions must increase: " + std::string{m.name});
    previous = version;
    auto sum = checksum(m.content);
    pqxx::work tx{conn};
    lock_and_ensure_table(tx);
    auto found =
      tx.exec_params("SELECT name, checksum FROM schema_migrations WHERE version = $1", version);
    if (!found.empty()) {
      if (found[0][1].as<std::string>() != sum)
        throw std::runtime_error("migration " + std::string{m.name}
                                 + " was edited after it was applied; add a new migration instead");
      ++report.already;
      continue; // the transaction rolls back, releasing the lock
    }
    tx.exec(std::string{m.content});
    tx.exec_params("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                   version, std::string{m.name}, sum);
    tx.commit();
    log::info("database.migrated").kv("migration", m.name);
    report.applied.emplace_back(m.name);
  }
  return report;
}

} // namespace agora::persistence
