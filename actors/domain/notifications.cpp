#include "actors/domain/notifications.hpp"

#include "actors/domain/email.hpp"

#include <cstdio>
#include <vector>

namespace agora::domain {

std::string format_money(int64_t cents, std::string_view currency) {
  char buf[64];
  auto sign = cents < 0 ? "-" : "";
  auto abs = cents < 0 ? -cents : cents;
  std::snprintf(buf, sizeof(buf), "%s%lld.%02lld %.*s", sign, static_cast<long long>(abs / 100),
                static_cast<long long>(abs % 100), static_cast<int>(currency.size()),
                currency.data());
  return buf;
}

namespace {

/// One mail's content, filled by the template of its type and rendered twice: as text and as
/// HTML. Both parts always say the same thing.
struct mail_model {
  std::string greeting; ///< "Hello Ann," (empty: none)
  std::vector<std::string> paragraphs;
  const order_draft* lines = nullptr; ///< order lines and total, when set
  std::string carrier, tracking_number;
  std::string link_label, link_url; ///< a call to action (url empty: none)
  std::vector<std::string> closing; ///< paragraphs after the lines
  std::string footer;
};

std::string render_text(const mail_model& m) {
  std::string out;
  if (!m.greeting.empty())
    out += m.greeting + "\n\n";
  for (auto& p : m.paragraphs)
    out += p + "\n\n";
  if (m.lines) {
    for (auto& item : m.lines->items)
      out += "  " + std::to_string(item.quantity) + " x product #" + std::to_string(item.product_id)
             + " at " + format_money(item.unit_price_cents, m.lines->currency) + " = "
             + format_money(item.unit_price_cents * item.quantity, m.lines->currency) + "\n";
    out += "  Total: " + format_money(m.lines->total_cents, m.lines->currency) + "\n\n";
  }
  if (!m.tracking_number.empty())
    out += "Carrier: " + m.carrier + ", tracking number " + m.tracking_number + "\n\n";
  for (auto& p : m.closing)
    out += p + "\n\n";
  if (!m.link_url.empty())
    out += m.link_label + ": " + m.link_url + "\n\n";
  return out + "-- \n" + m.footer + "\n";
}

std::string render_html(const mail_model& m, const std::string& title) {
  std::string out = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>"
                    + html_escape(title)
                    + "</title></head>\n<body style=\"font-family:sans-serif;color:#222\">\n";
  if (!m.greeting.empty())
    out += "<p>" + html_escape(m.greeting) + "</p>\n";
  for (auto& p : m.paragraphs)
    out += "<p>" + html_escape(p) + "</p>\n";
  if (m.lines) {
    out += "<table cellpadding=\"4\" style=\"border-collapse:collapse\">\n"
           "<tr><th align=\"left\">Product</th><th align=\"right\">Qty</th>"
           "<th align=\"right\">Unit price</th><th align=\"right\">Line total</th></tr>\n";
    for (auto& item : m.lines->items)
      out += "<tr><td>#" + std::to_string(item.product_id) + "</td><td align=\"right\">"
             + std::to_string(item.quantity) + "</td><td align=\"right\">"
             + html_escape(format_money(item.unit_price_cents, m.lines->currency))
             + "</td><td align=\"right\">"
             + html_escape(format_money(item.unit_price_cents * item.quantity, m.lines->currency))
             + "</td></tr>\n";
    out += "<tr><td colspan=\"3\"><strong>Total</strong></td><td align=\"right\"><strong>"
           + html_escape(format_money(m.lines->total_cents, m.lines->currency))
           + "</strong></td></tr>\n</table>\n";
  }
  if (!m.tracking_number.empty())
    out += "<p>Carrier: " + html_escape(m.carrier) + ", tracking number <code>"
           + html_escape(m.tracking_number) + "</code></p>\n";
  for (auto& p : m.closing)
    out += "<p>" + html_escape(p) + "</p>\n";
  if (!m.link_url.empty())
    out +=
      "<p><a href=\"" + html_escape(m.link_url) + "\">" + html_escape(m.link_label) + "</a></p>\n";
  return out + "<hr><p style=\"color:#777;font-size:small\">" + html_escape(m.footer)
         + "</p>\n</body></html>\n";
}

notification render(notification n, const mail_model& m) {
  n.body_text = render_text(m);
  n.body_html = render_html(m, n.subject);
  return n;
}

const char* customer_footer = "agora shop - you receive this mail because you placed an order.";

std::string trimmed(std::string_view url) {
  std::string out{url};
  while (!out.empty() && out.back() == '/')
    out.pop_back();
  return out;
}

notification base(const order_state& s, notification_type type) {
  notification n;
  n.type = type;
  n.dedupe_key = s.order.id + ":" + std::to_string(s.seq);
  n.recipient = s.order.customer_email;
  n.order_id = s.order.id;
  return n;
}

mail_model order_model(const order_state& s, std::string_view public_url,
                       std::string_view access_token) {
  mail_model m;
  m.greeting = "Hello " + s.order.ship_to.name + ",";
  m.footer = customer_footer;
  if (!public_url.empty()) {
    m.link_label = "Follow your order";
    m.link_url = trimmed(public_url) + "/shop/orders/" + s.order.id; // the order's page
    if (!access_token.empty())
      m.link_url += "?access_token=" + std::string{access_token};
  }
  return m;
}

} // namespace

std::optional<notification> notification_for(const order_state& s, const order_event& e,
                                             std::string_view public_url,
                                             std::string_view access_token) {
  auto m = order_model(s, public_url, access_token);
  switch (e.type) {
    case event_type::order_created: {
      auto n = base(s, notification_type::order_created);
      n.subject = "We received your order " + s.order.id;
      m.paragraphs = {"Thank you for your order " + s.order.id + ":"};
      m.lines = &s.order;
      m.closing = {"We will write again when the payment has gone through."};
      return render(n, m);
    }
    case event_type::payment_captured:
    case event_type::payment_declined:
    case event_type::payment_refunded: {
      auto n = base(s, notification_type::payment_status_changed);
      std::string what = e.type == event_type::payment_captured   ? "was accepted"
                         : e.type == event_type::payment_declined ? "was declined"
                                                                  : "was refunded";
      n.subject = "Payment for order " + s.order.id + " " + what;
      auto amount = e.type == event_type::payment_refunded ? e.amount_cents : s.order.total_cents;
      m.paragraphs = {"The payment of " + format_money(amount, s.order.currency) + " for order "
                      + s.order.id + " " + what + "."};
      if (e.type == event_type::payment_declined)
        m.paragraphs.push_back("The order has been cancelled; nothing was charged.");
      if (e.type == event_type::payment_captured)
        m.paragraphs.push_back("We are packing your order and will mail the tracking number.");
      m.lines = &s.order;
      return render(n, m);
    }
    case event_type::payment_refund_issued: {
      auto n = base(s, notification_type::payment_status_changed);
      n.subject = "Payment for order " + s.order.id + " was refunded";
      m.paragraphs = {"The payment for order " + s.order.id + " was refunded: "
                      + format_money(e.amount_cents, s.order.currency) + " in all."};
      m.lines = &s.order;
      return render(n, m);
    }
    case event_type::order_delivered: {
      auto n = base(s, notification_type::shipment_delivered);
      n.subject = "Your order " + s.order.id + " has been delivered";
      m.paragraphs = {"Your order " + s.order.id + " was delivered by " + s.carrier + "."};
      m.lines = &s.order;
      m.carrier = s.carrier;
      m.tracking_number = s.tracking_number;
      return render(n, m);
    }
    default: return std::nullopt;
  }
}

notification low_stock_notification(const product& p, const stock_level& level,
                                    const std::string& ops_email, int64_t alert_no,
                                    std::string_view public_url) {
  notification n;
  n.type = notification_type::low_inventory_alert;
  n.dedupe_key = "stock:" + std::to_string(p.id) + ":" + std::to_string(alert_no);
  n.recipient = ops_email;
  n.product_id = p.id;
  n.subject =
    "Low stock: " + p.name + " (" + p.sku + ") has " + std::to_string(level.available()) + " left";
  mail_model m;
  m.paragraphs = {"Product " + std::to_string(p.id) + " " + p.name + " (" + p.sku + ") is down to "
                    + std::to_string(level.available()) + " available (on hand "
                    + std::to_string(level.on_hand) + ", reserved " + std::to_string(level.reserved)
                    + ", threshold " + std::to_string(level.low_stock_threshold) + ").",
                  "Restock it with POST /inventory/" + std::to_string(p.id) + "/restock."};
  m.footer = "agora inventory - operations alert";
  if (!public_url.empty()) {
    m.link_label = "Product page";
    m.link_url = trimmed(public_url) + "/products/" + std::to_string(p.id);
  }
  return render(n, m);
}

} // namespace agora::domain
