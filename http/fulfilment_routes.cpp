#include "actors/domain/ids.hpp"
#include "actors/domain/notifications.hpp"
#include "http/actor_bridge.hpp"
#include "http/json_io.hpp"
#include "http/order_routes.hpp"
#include "http/ownership.hpp"
#include "http/read_pages.hpp"
#include "runtime/base/random.hpp"

#include <set>
#include <stdexcept>

namespace agora::http {

namespace {

using namespace agora::protocol;

/// Runs `act(self, shown)` in a bridge; `shown()` then answers with the resource `id` as the
/// readers see it (the change committed).
template <class Atom, class Act>
void act_then_show(const services& s, const exchange_ptr& ex, Atom atom, const std::string& id,
                   Act act) {
  list_filter f;
  f.id = id;
  bridge(*s.bridges, [=](caf::event_based_actor* self) {
    act(self, [=] {
      then_ask<std::string>(
        self, ex, s.reads, s.ask_timeout,
        [=](std::string& text) {
          respond_json_text(ex, 200, std::move(text));
        },
        atom, f);
    });
  });
}

/// One payment or shipment by its path id of kind `prefix`, shown when the caller may see its
/// order (else 404).
template <class Atom>
void read_one(const services& s, const exchange_ptr& ex, std::string_view prefix, Atom atom) {
  auto id = path_id(ex, prefix);
  if (!id)
    return;
  list_filter f;
  f.id = *id;
  bridge(*s.bridges, [=](caf::event_based_actor* self) {
    then_ask<std::string>(
      self, ex, s.reads, s.ask_timeout,
      [=](std::string& text) {
        if (ex->who().staff()) // staff see all, even a stand-in whose order never existed
          return respond_json_text(ex, 200, text);
        auto order_id = json::parse(text).value("order_id", std::string{});
        with_order(self, s, ex, order_id, [=](const order_view&) {
          respond_json_text(ex, 200, text);
        });
      },
      atom, f);
  });
}

void get_payment(const services& s, const exchange_ptr& ex) {
  read_one(s, ex, "pay", payments_atom_v);
}

void list_payments(const services& s, const exchange_ptr& ex) {
  if (auto f = page_filter(ex))
    read_json(s, ex, payments_atom_v, *f);
}

void refund_payment(const services& s, const exchange_ptr& ex) {
  auto id = path_id(ex, "pay");
  if (!id)
    return;
  int64_t cents = 0;
  if (!ex->body().empty()) {
    auto body = parse_object(ex);
    if (!body)
      return;
    std::vector<field_error> errors;
    cents = field_reader{*body, errors}.integer("amount_cents", false, 0, 1, 1000000000000LL);
    if (!errors.empty())
      return ex->respond_problem(invalid(std::move(errors)));
  }
  // A retried request with the same Idempotency-Key refunds once.
  auto key = std::string{ex->header("Idempotency-Key").value_or("")};
  key = key.empty() ? "admin:" + random_hex(16) : "admin:" + key;
  act_then_show(s, ex, payments_atom_v, *id, [=](caf::event_based_actor* self, auto shown) {
    then_ask<payment>(
      self, ex, s.payments, s.ask_timeout,
      [=](payment& p) {
        // The order journals the refund (once per key), and its mail follows from the journal
        // like every payment status change's; a retry with the same key finds both done.
        then_ask<order_view>(
          self, ex, s.orders, s.ask_timeout + s.store_timeout,
          [=](order_view&) {
            shown();
          },
          refund_atom_v, p.order_id, p.id, p.refunded_cents, key);
      },
      refund_atom_v, *id, cents, key);
  });
}

void get_shipment(const services& s, const exchange_ptr& ex) {
  read_one(s, ex, "shp", shipments_atom_v);
}

void list_shipments(const services& s, const exchange_ptr& ex) {
  if (auto f = page_filter(ex))
    read_json(s, ex, shipments_atom_v, *f);
}

/// Public: the status and the carrier's scans only (no ids, no address, no email).
void tracking(const services& s, const exchange_ptr& ex) {
  list_filter f;
  f.tracking_number = std::string{ex->param("tracking_number")};
  if (f.tracking_number.empty() || f.tracking_number.size() > 64)
    return ex->respond_problem(make_problem(protocol::errc::not_found, "no such shipment"));
  ask<std::string>(
    *s.bridges, ex, s.reads, s.ask_timeout,
    [](const exchange_ptr& ex, std::string& text) {
      auto doc = json::parse(text);
      json shown;
      for (auto* key : {"tracking_number", "carrier", "status", "events"})
        shown[key] = doc.value(key, json{});
      respond_json(ex, 200, shown);
    },
    shipments_atom_v, f);
}

void advance_shipment(const services& s, const exchange_ptr& ex) {
  auto id = path_id(ex, "shp");
  if (!id)
    return;
  act_then_show(s, ex, shipments_atom_v, *id, [=](caf::event_based_actor* self, auto shown) {
    then_ask<shipment>(
      self, ex, s.shipping, s.ask_timeout,
      [=](shipment&) {
        shown();
      },
      advance_atom_v, *id);
  });
}

void list_notifications(const services& s, const exchange_ptr& ex) {
  auto f = page_filter(ex);
  if (!f)
    return;
  std::vector<field_error> errors;
  f->type = ex->query("type").value_or("");
  f->status = ex->query("status").value_or("");
  if (auto product = ex->query("product_id")) {
    try {
      size_t used = 0;
      f->product_id = std::stoll(*product, &used);
      if (used != product->size() || f->product_id <= 0)
        throw std::invalid_argument("not an id");
    } catch (const std::exception&) {
      errors.push_back({"product_id", "must be a positive integer"});
    }
  }
  static const std::set<std::string> types{"ORDER_CREATED", "PAYMENT_STATUS_CHANGED",
                                           "SHIPMENT_DELIVERED", "LOW_INVENTORY_ALERT"};
  if (!f->type.empty() && types.count(f->type) == 0)
    errors.push_back({"type", "must be a notification type such as ORDER_CREATED"});
  if (auto bad = notification_status_error(f->status))
    errors.push_back(std::move(*bad));
  if (!errors.empty())
    return ex->respond_problem(invalid(std::move(errors)));
  read_json(s, ex, notices_atom_v, *f);
}

} // namespace

std::vector<route> fulfilment_routes(const services& s) {
  auto with = [&s](route_fn fn) {
    return bind(s, fn);
  };
  return {
    {"GET", "/payments", with(list_payments), access::operator_role},
    {"GET", "/payments/:id", with(get_payment), access::order_holder},
    {"POST", "/payments/:id/refund", with(refund_payment), access::admin_role},
    {"GET", "/shipments", with(list_shipments), access::operator_role},
    {"GET", "/shipments/:id", with(get_shipment), access::order_holder},
    {"POST", "/shipments/:id/advance", with(advance_shipment), access::admin_role},
    {"GET", "/tracking/:tracking_number", with(tracking)},
    {"GET", "/notifications", with(list_notifications), access::operator_role},
  };
}

} // namespace agora::http
