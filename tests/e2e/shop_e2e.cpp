// The storefront as shoppers use it: a real node, PostgreSQL and SMTP sink, and the pages driven
// in headless Chromium (tests/tools/shop-check.mjs): a guest buys two products and follows them to
// DELIVERED, a declined card, the cart's limit, a race lost at checkout, markup in a product name,
// a customer who signs up, cancels, is too late to cancel and sees only their orders, and the
// ORDER_CREATED mail's link opening the order's page. Screenshots land in build/test-tmp/shop/.
#include "runtime/base/random.hpp"
#include "tests/support/agora_node.hpp"
#include "tests/support/orders.hpp"
#include "tests/support/smtp_sink.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <regex>
#include <set>

using namespace agora::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

int64_t product(const agora_node& node, const std::string& sku, const std::string& name,
                int64_t price, int64_t stock) {
  auto r = node.send("POST", "/products",
                     {{"sku", sku},
                      {"name", name},
                      {"description", "Made for the storefront test."},
                      {"price_cents", price},
                      {"initial_stock", stock}},
                     true);
  REQUIRE(r.status == 201);
  return json_of(r)["id"].get<int64_t>();
}

json run_check(const std::string& env) {
  auto r = browser_check("shop-check.mjs", env, 240);
  CHECK(r["console_errors"].empty());
  CHECK(r["csp_violations"].empty());
  CHECK(r["urls_with_token"].empty());
  return r;
}

json levels(const agora_node& node, int64_t id) {
  return json_of(node.get("/inventory/" + std::to_string(id)));
}

bool listed(const json& hrefs, const std::string& id) {
  return std::any_of(hrefs.begin(), hrefs.end(), [&](const json& h) {
    return h == "/shop/orders/" + id;
  });
}

} // namespace

TEST_CASE("shoppers buy, follow, cancel and sign in through /shop", "[e2e][shop]") {
  smtp_sink sink;
  // The carrier is off: the test moves each shipment on itself, as the carrier would, so every
  // step is seen on the page and a cancel can be made to arrive just too late.
  // Sign-ins are limited (a burst of 12 a minute) so that the test can run into the 429.
  agora_node node{{"--shipping-step-seconds=0", "--smtp-url=" + sink.url(), "--mail-poll-ms=100",
                   "--rate-logins=1/min:12"}};
  auto tag = agora::random_hex(4);
  auto p1 = product(node, "LAMP-" + tag, "Desk lamp", 2490, 10);
  auto p2 = product(node, "BOOK-" + tag, "Dot-grid notebook", 890, 10);
  auto limit = product(node, "RARE-" + tag, "Rare print", 12000, 2);
  auto last = product(node, "LAST-" + tag, "The last teapot", 3500, 1);
  auto evil =
    product(node, "EVIL-" + tag,
            "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\">", 100, 5);
  auto guest_email = "guest-" + tag + "@example.com";
  auto customer_email = "carla-" + tag + "@example.com";
  // Another customer's order, which the signed-in shopper must never see.
  REQUIRE(node
            .send("POST", "/customers",
                  {{"email", "other-" + tag + "@example.com"}, {"password", "other-password-1"}})
            .status
          == 201);
  auto other_session = json_of(node.send(
    "POST", "/sessions",
    {{"email", "other-" + tag + "@example.com"}, {"password", "other-password-1"}}))["token"];
  auto other = http("POST", node.url("/orders"),
                    order_body(p1, 1, "4242424242424242", "other-" + tag + "@example.com").dump(),
                    {"Content-Type: application/json",
                     "Authorization: Bearer " + other_session.get<std::string>()});
  REQUIRE(other.status == 202);
  auto other_id = json_of(other)["id"].get<std::string>();

  auto out = std::string{AGORA_TEST_TMP} + "/shop";
  auto base_env = "SHOP_URL=" + node.url("") + " ADMIN_TOKEN=" + admin_token + " OUT_DIR=" + out;
  auto r = run_check(base_env + " P1=" + std::to_string(p1) + " P2=" + std::to_string(p2)
                     + " P_LIMIT=" + std::to_string(limit) + " P_LAST=" + std::to_string(last)
                     + " P_EVIL=" + std::to_string(evil) + " GUEST_EMAIL=" + guest_email
                     + " CUSTOMER_EMAIL=" + customer_email + " PASSWORD=carla-password-1");
  INFO(r.dump(1));

  // The catalog, by keyboard and by search.
  CHECK(r["catalog"]["cards"].get<int>() == 24);
  CHECK(r["keyboard_focus"].get<std::string>().find("add") != std::string::npos);
  CHECK(r["keyboard_cart"] == "1");
  CHECK(r["search_cards"] == 1);
  CHECK(r["cart"]["rows"] == 2);
  CHECK(r["cart"]["count"] == "3");
  // Each error from the problem+json next to its field, and the first one focused.
  std::set<std::string> invalid;
  for (auto& f : r["invalid_fields"])
    invalid.insert(f.get<std::string>());
  CHECK(invalid
        == std::set<std::string>{"customer_email", "shipping_address.city", "payment.card_number"});
  CHECK(r["focused_after_error"] == "customer_email");

  // The guest's order: one (despite the double click), followed to DELIVERED on the page.
  auto guest = r["guest"]["id"].get<std::string>();
  auto guest_orders = json_of(node.get("/orders?customer_email=" + guest_email + "&limit=50"));
  int placed_with_two_lines = 0;
  for (auto& o : guest_orders["items"])
    placed_with_two_lines += o["items"].size() == 2 ? 1 : 0;
  CHECK(placed_with_two_lines == 1);
  REQUIRE(!r["guest"]["seen"].empty());
  CHECK(r["guest"]["seen"].back() == "DELIVERED");
  CHECK(std::find(r["guest"]["seen"].begin(), r["guest"]["seen"].end(), "SHIPPED")
        != r["guest"]["seen"].end());
  CHECK(r["guest"]["title"] == "Delivered");
  CHECK(r["guest"]["scans"]
        == json::array({"Delivered", "Out for delivery", "In transit", "Label created"}));
  auto done = json_of(node.get("/orders/" + guest));
  CHECK(done["status"] == "DELIVERED");
  CHECK(r["guest"]["tracking"] == done["shipment"]["tracking_number"]);
  CHECK(r["guest"]["cancel_offered"] == false);
  CHECK(listed(r["guest"]["listed"], guest));
  // Stock went down by what was bought and nothing else: the declined order released its hold.
  CHECK(r["declined"]["title"] == "Cancelled: payment declined");
  // A lost answer: the retry used the same Idempotency-Key, and the key replays that one order.
  CHECK(r["lost_answer"].get<std::string>().find("cannot reach") != std::string::npos);
  REQUIRE(r["retry"]["keys"].size() == 2);
  CHECK(r["retry"]["keys"][0] == r["retry"]["keys"][1]);
  CHECK(r["retry"]["keys"][0].get<std::string>().size() == 32);
  CHECK(r["retry"]["replay_status"] == 200);
  CHECK(r["retry"]["same_order"] == true);
  CHECK(r["declined"]["payment"].get<std::string>().find("declined") != std::string::npos);
  // p1: the guest's lamp is gone; the other customer's is held (PAID, the carrier is off).
  auto s1 = levels(node, p1);
  CHECK(s1["on_hand"] == 10 - 1);
  CHECK(s1["reserved"] == 1);
  // p2: the guest's two are gone, and the customer's shipped one once its commit lands; the
  // cancelled one went back.
  CHECK(wait_until(
    [&] {
      return levels(node, p2)["on_hand"] == 10 - 2 - 1;
    },
    10s));
  CHECK(levels(node, p2)["reserved"] == 0);

  // Never more than is available; a race lost at checkout says so.
  CHECK(r["limit"]["in_cart"] == json::array({2}));
  CHECK(r["limit"]["disabled"] == true);
  CHECK(r["rival"] != "REJECTED");
  CHECK(r["race"]["title"] == "Rejected: out of stock");
  CHECK(r["race"]["words"].get<std::string>().find("Nothing was charged") != std::string::npos);
  // Markup is text.
  CHECK(r["evil"]["h2"].get<std::string>().rfind("<script>", 0) == 0);
  CHECK(r["evil"]["xss"] == 0);
  CHECK(r["evil"]["injected"] == 0);

  // The customer: the server's words at the password, a cancel, a cancel too late, own orders only.
  CHECK(r["signup_error"][0].get<std::string>().find("at least 10 characters")
        != std::string::npos);
  CHECK(r["account_link"] == "Carla Customer");
  auto ids = r["customer"]["ids"];
  REQUIRE(ids.size() == 2);
  CHECK(r["customer"]["cancelled"] == "Cancelled at your request");
  CHECK(json_of(node.get("/orders/" + ids[0].get<std::string>()))["status"] == "CANCELLED");
  CHECK(r["customer"]["late_cancel"]
        == "This order can no longer be cancelled: the order has shipped.");
  CHECK(json_of(node.get("/orders/" + ids[1].get<std::string>()))["status"] == "SHIPPED");
  CHECK(r["customer"]["listed"].size() == 2);
  CHECK(listed(r["customer"]["listed"], ids[0]));
  CHECK(listed(r["customer"]["listed"], ids[1]));
  CHECK_FALSE(listed(r["customer"]["listed"], other_id));
  CHECK_FALSE(listed(r["customer"]["listed"], guest));
  CHECK(r["signed_out"]["link"] == "Sign in");
  CHECK(r["signed_out"]["stored"].is_null());
  CHECK(r["wrong_password"] == "The email or the password is wrong.");
  CHECK(std::regex_search(r["rate_limited"]["words"].get<std::string>(),
                          std::regex{"^Too many requests from here: try again in [0-9]+ s\\.$"}));
  CHECK(std::regex_search(r["rate_limited"]["button"].get<std::string>(),
                          std::regex{"^Sign in \\(wait [0-9]+ s\\)$"}));
  CHECK(r["rate_limited"]["disabled"] == true);

  // Every page at both widths, nothing wider than a phone, every field labelled.
  CHECK(r["screenshots"].size() >= 14);
  CHECK(r["phone_overflow"].empty());
  CHECK(r["unlabelled"].empty());

  // The ORDER_CREATED mail in the sink links to the order's page, which opens in a browser that
  // has never seen the order.
  std::string link;
  REQUIRE(wait_until(
    [&] {
      for (auto& m : sink.messages())
        if (m["subject"] == "We received your order " + guest) {
          std::smatch found;
          auto html = m["html"].get<std::string>();
          if (std::regex_search(html, found, std::regex{"href=\"([^\"]+)\""}))
            link = found[1];
        }
      return !link.empty();
    },
    20s));
  CHECK(link.rfind(node.url("/shop/orders/" + guest + "?access_token=oat_"), 0) == 0);
  auto m = run_check(base_env + " MODE=mail MAIL_LINK='" + link + "'");
  CHECK(m["mail"]["id"] == guest);
  CHECK(m["mail"]["status"] == "DELIVERED");
  CHECK(m["mail"]["address_bar"] == node.url("/shop/orders/" + guest));
  CHECK(m["mail"]["after_reload"] == guest);
}
