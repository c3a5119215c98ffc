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

http_response place_order(const agora_node& node, const json& body, int wait,
                          std::vector<std::string> headers) {
  if (wait > 0)
    headers.push_back("Prefer: wait=" + std::to_string(wait));
  return node.send("POST", "/orders", body, false, std::move(headers));
}

http_response cancel_order(const agora_node& node, const std::string& id) {
  return node.send("POST", "/orders/" + id + "/cancel", json::object(), true);
}

std::string paid_order(const agora_node& node, int64_t product, int quantity) {
  auto o = json_of(place_order(node, order_body(product, quantity), 10));
  REQUIRE(o["status"] == "PAID");
  return o["id"].get<std::string>();
}

std::vector<std::string> event_types(const agora_node& node, const std::string& id) {
  std::vector<std::string> out;
  for (auto& e : json_of(node.get("/orders/" + id + "/events")))
    out.push_back(e["type"]);
  return out;
}

std::string stock(const agora_node& node, int64_t product) {
  auto l = json_of(node.get("/inventory/" + std::to_string(product)));
  return std::to_string(l["on_hand"].get<int>()) + "/" + std::to_string(l["reserved"].get<int>());
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
