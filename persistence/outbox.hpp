#pragma once

#include "actors/domain/notifications.hpp"

#include <string>

namespace agora::persistence {

/// INSERT of one outbox row, ignored when its dedupe key exists (a replayed cause).
std::string outbox_insert_sql(const domain::notification& n, const std::string& id);

} // namespace agora::persistence
