#include "persistence/errors.hpp"

#include "runtime/base/log.hpp"

#include <pqxx/except>

namespace agora::persistence {

using protocol::errc;

namespace {

std::string first_line(std::string text) {
  auto nl = text.find('\n');
  if (nl != std::string::npos)
    text.resize(nl);
  return text;
}

} // namespace

std::string describe_current_exception() {
  try {
    throw;
  } catch (const std::exception& e) {
    return first_line(e.what());
  } catch (...) {
    return "unknown exception";
  }
}

caf::error translate_current_exception() {
  // What a client may read is fixed text: the driver's messages name hosts, ports, constraints and
  // SQL, so they go to the log only (the door logs the request id beside the problem it answers).
  auto hidden = [](errc code, const char* kind, const std::exception& e, const char* told) {
    log::warn("persistence.failed").kv("kind", kind).kv("error", first_line(e.what()));
    return caf::make_error(code, std::string{told});
  };
  try {
    throw;
  } catch (const storage_error& e) {
    return caf::make_error(e.code(), std::string{e.what()});
  } catch (const pqxx::in_doubt_error& e) {
    return hidden(errc::storage_unavailable, "in_doubt", e, "the database outcome is unknown");
  } catch (const pqxx::broken_connection& e) {
    return hidden(errc::storage_unavailable, "connection", e, "the database is unavailable");
  } catch (const pqxx::unique_violation& e) {
    return hidden(errc::conflict, "unique", e, "conflicts with what is stored");
  } catch (const pqxx::check_violation& e) {
    return hidden(errc::conflict, "check", e, "conflicts with what is stored");
  } catch (const pqxx::foreign_key_violation& e) {
    return hidden(errc::conflict, "foreign_key", e, "refers to something that is not stored");
  } catch (const pqxx::sql_error& e) {
    // Server-side failures of otherwise valid statements: a shutdown or a lost session surfaces
    // here with SQLSTATE class 08 (connection) or 57 (operator intervention).
    auto state = e.sqlstate();
    if (state == "AGF01") // agora_fence(): the shard changed hands; the stale writer must stop
      return caf::make_error(errc::fenced, std::string{"the shard's lease moved on"});
    if (state.rfind("08", 0) == 0 || state.rfind("57", 0) == 0)
      return hidden(errc::storage_unavailable, "session", e, "the database is unavailable");
    log::error("persistence.sql_error").kv("sqlstate", state).kv("error", first_line(e.what()));
    return caf::make_error(errc::internal, std::string{"internal error"});
  } catch (const std::exception& e) {
    log::error("persistence.error").kv("error", first_line(e.what()));
    return caf::make_error(errc::internal, std::string{"internal error"});
  } catch (...) {
    return caf::make_error(errc::internal, "unknown exception");
  }
}

} // namespace agora::persistence
