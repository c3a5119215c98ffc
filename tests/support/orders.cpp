#include "tests/support/orders.hpp"

#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>

namespace agora::test {

using nlohmann::json;

json order_body(int64_t product, int quantity, const std::string& card, const std::string& email,
                const std::string& name) {
  return {{"customer_email", email},
          {"items", {{{"product_id", product}, {"quantity", quantity}}}},
          {"payment", {{"card_number", card}}},
          {"shipping_address",
           {{"name", name},
            {"line1", "1 Main St"},
            {"city", "Springfield"},
            {"postal_code", "12345"},
            {"country", "US"}}}};
}

json order(const agora_node& node, const std::string& id) {
  return json_of(node.get("/orders/" + id));
}

json await_status(const agora_node& node, const std::string& id, const std::string& status) {
  json last;
  wait_until(
    [&] {
      last = order(node, id);
      return last["status"] == status;
    },
    std::chrono::seconds{20});
  INFO(last.dump());
  CHECK(last["status"] == status);
  return last;
}

} // namespace agora::test
