#pragma once

#include "actors/domain/order.hpp"
#include "actors/protocol/order.hpp"
#include "persistence/writer.hpp"

#include <nlohmann/json.hpp>

#include <string>

// Orders to and from their stored form: journal payloads (JSONB) and projection columns.
namespace agora::persistence {

nlohmann::json event_data(const domain::order_event& e);

/// Rebuilds a journal entry of order `order_id`; throws std::runtime_error on an unknown type.
domain::order_event event_from(const std::string& order_id, const std::string& type,
                               const nlohmann::json& data, int64_t at_ms);

nlohmann::json items_json(const std::vector<domain::line_item>& items);
std::vector<domain::line_item> items_from(const nlohmann::json& j);
nlohmann::json address_json(const domain::address& a);
domain::address address_from(const nlohmann::json& j);

/// The rows of one journal append: events, projection, outbox rows, idempotency key.
write_job journal_job(const protocol::journal_append& batch);

} // namespace agora::persistence
