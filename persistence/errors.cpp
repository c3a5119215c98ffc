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
  try {
    throw;
  } catch (const storage_error& e) {
    return caf::make_error(e.code(), std::string{e.what()});
  } catch (const pqxx::in_doubt_error& e) {
    return caf::make_error(errc::storage_unavailable,
                           "commit outcome unknown: " + first_line(e.what()));
  } catch (const pqxx::broken_connection& e) {
    return caf::make_error(errc::storage_unavailable, first_line(e.what()));
  } catch (const pqxx::unique_violation& e) {
    return caf::make_error(errc::conflict, first_line(e.what()));
  } catch (const pqxx::check_violation& e) {
    return caf::make_error(errc::conflict, first_line(e.what()));
  } catch (const pqxx::foreign_key_violation& e) {
    return caf::make_error(errc::conflict, first_line(e.what()));
  } catch (const pqxx::sql_error& e) {
    // Server-side failures of otherwise valid statements: a shutdown or a lost session surfaces
    // here with SQLSTATE class 08 (connection) or 57 (operator intervention).
    auto state = e.sqlstate();
    if (state.rfind("08", 0) == 0 || state.rfind("57", 0) == 0)
      return caf::make_error(errc::storage_unavailable, first_line(e.what()));
    log::error("persistence.sql_error").kv("sqlstate", state).kv("error", first_line(e.what()));
    return caf::make_error(errc::internal, first_line(e.what()));
  } catch (const std::exception& e) {
    log::error("persistence.error").kv("error", first_line(e.what()));
    return caf::make_error(errc::internal, first_line(e.what()));
  } catch (...) {
    return caf::make_error(errc::internal, "unknown exception");
  }
}

} // namespace agora::persistence
