#pragma once

#include "tests/support/agora_node.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

// Order helpers the end-to-end tests share.
namespace agora::test {

/// A valid POST /orders body for `quantity` of `product`.
nlohmann::json order_body(int64_t product, int quantity,
                          const std::string& card = "4242424242424242",
                          const std::string& email = "ann@example.com",
                          const std::string& name = "Ann");

/// GET /orders/{id} as JSON.
nlohmann::json order(const agora_node& node, const std::string& id);

/// Waits (20 s at most) until the order reaches `status`; CHECKs it and returns the order as
/// last seen.
nlohmann::json await_status(const agora_node& node, const std::string& id,
                            const std::string& status);

} // namespace agora::test
