#include "http/order_routes.hpp"

#include "actors/domain/hash.hpp"
#include "actors/domain/ids.hpp"
#include "actors/domain/payment_rules.hpp"
#include "actors/domain/validation.hpp"
#include "http/actor_bridge.hpp"
#include "http/json_io.hpp"
#include "http/ownership.hpp"
#include "runtime/base/clock.hpp"
#include "runtime/base/random.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <set>

namespace agora::http {

namespace {

using namespace agora::protocol;
using namespace std::chrono;

/// Maps the body onto an order request, reporting wrong JSON types by field.
domain::order_request read_order(const json& body, const caller& who,
                                 std::vector<field_error>& errors) {
  domain::order_request r;
  field_reader top{body, errors};
  // With a session the order is the account's, whatever customer_email says.
  if (who.kind == caller_kind::customer)
    r.customer_email = who.account.email;
  else
    r.customer_email = top.text("customer_email", true);
  auto items = body.find("items");
  if (items == body.end() || !items->is_array()) {
    errors.push_back({"items", "must be an array of {product_id, quantity}"});
  } else {
    for (size_t i = 0; i < items->size() && i <= domain::max_items; ++i) {
      auto prefix = "items[" + std::to_string(i) + "].";
      auto& item = (*items)[i];
      if (!item.is_object()) {
        errors.push_back({"items[" + std::to_string(i) + "]", "must be an object"});
        continue;
      }
      field_reader f{item, errors, prefix};
      r.items.push_back({f.integer("product_id", true, 0, 1, INT64_MAX),
                         f.integer("quantity", true, 0, 1, domain::max_quantity)});
    }
  }
  auto payment = body.find("payment");
  if (payment == body.end() || !payment->is_object())
    errors.push_back({"payment", "must be an object with card_number"});
  else
    r.card_number = field_reader{*payment, errors, "payment."}.text("card_number", true);
  auto address = body.find("shipping_address");
  if (address == body.end() || !address->is_object()) {
    errors.push_back({"shipping_address", "must be an object"});
  } else {
    field_reader a{*address, errors, "shipping_address."};
    r.ship_to = {a.text("name", true), a.text("line1", true),       a.text("line2", false),
                 a.text("city", true), a.text("postal_code", true), a.text("country", true)};
  }
  return r;
}

/// The hash of the canonical body (keys sorted): what an idempotency key was first used with.
std::string body_hash(const json& body) {
  return domain::stable_hash_hex(body.dump());
}

struct create_plan {
  domain::order_request request;
  std::string customer_id; ///< the signed-in account; empty for guests and staff
  std::string key;         ///< scoped to the caller (see scoped_key)
  std::string hash;
  std::optional<int> wait;
};

/// An Idempotency-Key as stored: scoped to the account, the guest's email or the staff token, so
/// two callers with the same key never meet.
std::string scoped_key(const caller& who, const domain::order_request& r, const std::string& key) {
  if (who.kind == caller_kind::customer)
    return "customer:" + who.account.id + "|" + key;
  if (who.staff())
    return "staff:" + who.digest.substr(0, 32) + "|" + key;
  std::string email = r.customer_email;
  for (auto& c : email)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return "guest:" + email + "|" + key;
}

/// An Idempotency-Key header: 1..128 visible ASCII characters.
std::string read_key(std::string_view key, std::vector<field_error>& errors) {
  bool visible = std::all_of(key.begin(), key.end(), [](unsigned char c) {
    return c > 0x20 && c < 0x7f;
  });
  if (key.empty() || key.size() > 128 || !visible)
    errors.push_back({"Idempotency-Key", "must be 1..128 visible ASCII characters"});
  return std::string{key};
}

/// The order as its creator sees it: a guest's order (no account) carries its access token.
json created_json(const services& s, const order_view& v) {
  auto out = order_json(v);
  if (v.customer_id.empty())
    out["access_token"] = order_access_token(s, v.id);
  return out;
}

/// Answers the order created (202), or as it stands after `Prefer: wait` (201).
void answer_created(caf::event_based_actor* self, const services& s, const exchange_ptr& ex,
                    const create_plan& plan, const order_view& v) {
  header_list headers{{"Location", "/orders/" + v.id}};
  if (!plan.wait)
    return respond_json(ex, 202, created_json(s, v), headers);
  headers.emplace_back("Preference-Applied", "wait=" + std::to_string(*plan.wait));
  self
    ->request(s.orders, seconds{*plan.wait} + s.ask_timeout, wait_atom_v, v.id,
              unix_ms() + *plan.wait * 1000LL)
    .then(
      [=](order_view& now) {
        respond_json(ex, 201, created_json(s, now), headers);
      },
      [=](caf::error&) {
        respond_json(ex, 201, created_json(s, v), headers);
      });
}

/// A key seen before: the same body gets the same order (200), another body a 422.
void answer_replay(caf::event_based_actor* self, const services& s, const exchange_ptr& ex,
                   const create_plan& plan, const idempotency_record& known) {
  if (known.request_hash != plan.hash)
    return ex->respond_problem(
      make_problem(protocol::errc::idempotency_mismatch,
                   "this Idempotency-Key was used with a different request body"));
  self->request(s.reads, s.ask_timeout, get_atom_v, known.order_id)
    .then(
      [=](order_view& v) {
        respond_json(ex, 200, created_json(s, v), {{"Location", "/orders/" + v.id}});
      },
      [=](caf::error& err) {
        respond_error(ex, self->system(), err);
      });
}

void place(caf::event_based_actor* self, const services& s, const exchange_ptr& ex,
           const create_plan& plan, const std::vector<domain::product>& found) {
  std::map<int64_t, domain::product> catalog;
  for (auto& p : found)
    catalog[p.id] = p;
  std::vector<field_error> errors;
  create_order req;
  auto& d = req.draft;
  for (size_t i = 0; i < plan.request.items.size(); ++i) {
    auto& item = plan.request.items[i];
    auto p = catalog.find(item.product_id);
    if (p == catalog.end()) {
      errors.push_back({"items[" + std::to_string(i) + "].product_id", "no such product"});
      continue;
    }
    d.currency = p->second.currency;
    d.items.push_back(
      {item.product_id, static_cast<int32_t>(item.quantity), p->second.price_cents});
  }
  std::set<std::string> currencies;
  for (auto& p : found)
    currencies.insert(p.currency);
  if (currencies.size() > 1)
    errors.push_back({"items", "all products of an order must share one currency"});
  if (!errors.empty())
    return ex->respond_problem(invalid(std::move(errors)));
  d.id = new_id("ord");
  d.customer_email = plan.request.customer_email;
  d.customer_id = plan.customer_id;
  d.total_cents = domain::order_total(d.items);
  d.ship_to = plan.request.ship_to;
  auto card = domain::tokenize_card(plan.request.card_number);
  d.card_token = card.token;
  d.card_last4 = card.last4;
  req.idempotency_key = plan.key;
  req.request_hash = plan.hash;
  self->request(s.orders, s.ask_timeout + s.store_timeout, create_atom_v, req)
    .then(
      [=](order_view& v) {
        answer_created(self, s, ex, plan, v);
      },
      [=](caf::error& err) {
        if (err != errc::conflict || plan.key.empty())
          return respond_error(ex, self->system(), err);
        // Another request took the key first: answer as a replay of it.
        self->request(s.reads, s.ask_timeout, idem_atom_v, plan.key)
          .then(
            [=](idempotency_record& known) {
              answer_replay(self, s, ex, plan, known);
            },
            [=](caf::error& e) {
              respond_error(ex, self->system(), e);
            });
      });
}

void create_order_route(const services& s, const exchange_ptr& ex) {
  auto body = parse_object(ex);
  if (!body)
    return;
  create_plan plan;
  std::vector<field_error> errors;
  auto& who = ex->who();
  plan.request = read_order(*body, who, errors);
  if (who.kind == caller_kind::customer)
    plan.customer_id = who.account.id;
  add_rule_errors(errors, domain::validate(plan.request));
  if (auto key = ex->header("Idempotency-Key"))
    plan.key = read_key(*key, errors);
  if (!errors.empty())
    return ex->respond_problem(invalid(std::move(errors)));
  if (!plan.key.empty())
    plan.key = scoped_key(who, plan.request, plan.key);
  plan.hash = body_hash(*body);
  if (auto prefer = ex->header("Prefer"))
    plan.wait = preferred_wait(*prefer);
  std::vector<int64_t> ids;
  for (auto& item : plan.request.items)
    ids.push_back(item.product_id);
  bridge(*s.bridges, [=](caf::event_based_actor* self) {
    // The catalog lives on this node (a front door node hosts the inventory role, which brings
    // it) and answers in its handler: no timer needed, the request is answered or bounced.
    auto priced = [=] {
      self->request(s.catalog, caf::infinite, get_atom_v, ids)
        .then(
          [=](std::vector<domain::product>& found) {
            place(self, s, ex, plan, found);
          },
          [=](caf::error& err) {
            respond_error(ex, self->system(), err);
          });
    };
    if (plan.key.empty())
      return priced();
    self->request(s.reads, s.ask_timeout, idem_atom_v, plan.key)
      .then(
        [=](idempotency_record& known) {
          if (known.found)
            return answer_replay(self, s, ex, plan, known);
          priced();
        },
        [=](caf::error& err) {
          respond_error(ex, self->system(), err);
        });
  });
}

/// The order id path parameter; nullopt after answering 404 for anything not an order id.
std::optional<std::string> order_id(const exchange_ptr& ex) {
  auto id = std::string{ex->param("id")};
  if (!domain::is_well_formed_id("ord", id)) {
    ex->respond_problem(make_problem(protocol::errc::not_found, "no such order"));
    return std::nullopt;
  }
  return id;
}

void answer_order(const exchange_ptr& ex, const order_view& v) {
  respond_json(ex, 200, order_json(v));
}

void get_order(const services& s, const exchange_ptr& ex) {
  if (auto id = order_id(ex))
    bridge(*s.bridges, [=](caf::event_based_actor* self) {
      with_order(self, s, ex, *id, [=](const order_view& v) {
        answer_order(ex, v);
      });
    });
}

void order_events(const services& s, const exchange_ptr& ex) {
  if (auto id = order_id(ex))
    bridge(*s.bridges, [=](caf::event_based_actor* self) {
      with_order(self, s, ex, *id, [=](const order_view&) {
        then_ask<std::string>(
          self, ex, s.reads, s.ask_timeout,
          [=](std::string& text) {
            respond_json_text(ex, 200, std::move(text));
          },
          events_atom_v, *id);
      });
    });
}

void cancel_order(const services& s, const exchange_ptr& ex) {
  if (auto id = order_id(ex))
    bridge(*s.bridges, [=](caf::event_based_actor* self) {
      with_order(self, s, ex, *id, [=](const order_view&) {
        then_ask<order_view>(
          self, ex, s.orders, s.ask_timeout + s.store_timeout,
          [=](order_view& v) {
            answer_order(ex, v);
          },
          cancel_atom_v, *id);
      });
    });
}

void list_orders(const services& s, const exchange_ptr& ex) {
  auto page = parse_page(ex);
  if (!page)
    return;
  list_filter f;
  // A customer sees their own orders (customer_email is ignored); staff all, with filters.
  if (ex->who().kind == caller_kind::customer)
    f.customer_id = ex->who().account.id;
  else
    f.customer_email = ex->query("customer_email").value_or("");
  f.status = ex->query("status").value_or("");
  f.limit = page->limit;
  f.offset = page->offset;
  if (!f.status.empty() && !domain::from_text<domain::order_status>(f.status))
    return ex->respond_problem(invalid({{"status", "must be an order status such as PAID"}}));
  auto p = *page;
  ask<order_page>(
    *s.bridges, ex, s.reads, s.ask_timeout,
    [p](const exchange_ptr& ex, order_page& found) {
      auto items = json::array();
      for (auto& v : found.items)
        items.push_back(order_json(v));
      respond_json(ex, 200, page_json(std::move(items), found.total, p));
    },
    list_atom_v, f);
}

} // namespace

std::optional<int> preferred_wait(std::string_view prefer) {
  for (size_t at = 0; at < prefer.size();) {
    auto comma = prefer.find_first_of(",;", at);
    auto token = prefer.substr(at, comma == std::string_view::npos ? prefer.npos : comma - at);
    while (!token.empty() && token.front() == ' ')
      token.remove_prefix(1);
    if (token.rfind("wait=", 0) == 0) {
      int n = 0;
      auto digits = token.substr(5);
      while (!digits.empty() && digits.back() == ' ')
        digits.remove_suffix(1);
      if (digits.empty() || digits.size() > 6)
        return std::nullopt;
      for (char c : digits) {
        if (c < '0' || c > '9')
          return std::nullopt;
        n = n * 10 + (c - '0');
      }
      return std::min(n, 30);
    }
    if (comma == std::string_view::npos)
      break;
    at = comma + 1;
  }
  return std::nullopt;
}

std::vector<route> order_routes(const services& s) {
  auto with = [&s](route_fn fn) {
    return bind(s, fn);
  };
  return {
    {"POST", "/orders", with(create_order_route), access::everyone, true, limit_class::orders},
    {"GET", "/orders", with(list_orders), access::customer},
    {"GET", "/orders/:id", with(get_order), access::order_holder},
    {"GET", "/orders/:id/events", with(order_events), access::order_holder},
    {"POST", "/orders/:id/cancel", with(cancel_order), access::order_holder},
  };
}

} // namespace agora::http
