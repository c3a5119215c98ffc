#pragma once

#include "tests/support/agora_node.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

// Order helpers the end-to-end tests share.
namespace agora::test {

/// A valid POST /orders body for `quantity` of `product`.
nlohmann::json order_body(int64_t product, int quantity,
                          const std::string& card = "4242424242424242",
                          const std::string& email = "ann@example.com",
                          const std::string& name = "Ann");

/// POST /orders with `body`; `wait` > 0 adds `Prefer: wait=<wait>` (the answer comes once the
/// order has left PENDING and RESERVED); `headers` adds more ("Idempotency-Key: k").
http_response place_order(const agora_node& node, const nlohmann::json& body, int wait = 0,
                          std::vector<std::string> headers = {});

/// POST /orders/{id}/cancel, as an admin (staff may cancel any order).
http_response cancel_order(const agora_node& node, const std::string& id);

/// A new order for `quantity` of `product`, answered (and REQUIREd) once it is PAID: its id.
std::string paid_order(const agora_node& node, int64_t product, int quantity);

/// The types of the order's journal, oldest first.
std::vector<std::string> event_types(const agora_node& node, const std::string& id);

/// "on_hand/reserved" of a product, as GET /inventory/{id} says.
std::string stock(const agora_node& node, int64_t product);

/// GET /orders/{id} as JSON.
nlohmann::json order(const agora_node& node, const std::string& id);

/// Waits (20 s at most) until the order reaches `status`; CHECKs it and returns the order as
/// last seen.
nlohmann::json await_status(const agora_node& node, const std::string& id,
                            const std::string& status);

} // namespace agora::test
