#pragma once

#include "actors/domain/notifications.hpp"
#include "persistence/writer.hpp"

#include <string>

namespace agora::persistence {

/// One outbox row, ignored when its dedupe key exists (a replayed cause).
write_row outbox_row(const domain::notification& n, const std::string& id);

} // namespace agora::persistence
