#include "http/catalog_routes.hpp"

#include "actors/domain/validation.hpp"
#include "http/actor_bridge.hpp"
#include "http/json_io.hpp"
#include "runtime/base/gather.hpp"

#include <map>

namespace agora::http {

namespace {

using namespace agora::protocol;
using domain::product;
using domain::stock_level;

/// Answers one product with its current availability.
void answer_product(caf::event_based_actor* self, const services& s, const exchange_ptr& ex,
                    int status, const product& p, header_list extra = {}) {
  self->request(s.shard_for(p.id), s.ask_timeout, get_atom_v, p.id)
    .then(
      [=](const stock_level& l) {
        respond_json(ex, status, product_json(p, l.available()), extra);
      },
      [=](caf::error& err) {
        respond_error(ex, self->system(), err);
      });
}

/// One hop: the product's shard has the product (the catalog shares every change with it before
/// answering the change) and its stock. The shard is local and answers in its handler, so the
/// request needs no timer: it is answered, or bounced if the shard is gone.
void get_product(const services& s, const exchange_ptr& ex) {
  if (auto id = id_param(ex, "id"))
    ask<product_stock>(
      *s.bridges, ex, s.shard_for(*id), no_timer,
      [](const exchange_ptr& ex, const product_stock& ps) {
        respond_json(ex, 200, product_json(ps.product, ps.level.available()));
      },
      show_atom_v, *id);
}

/// The page's availability comes from each shard involved, asked in parallel.
void list_products(const services& s, const exchange_ptr& ex) {
  auto page = parse_page(ex);
  if (!page)
    return;
  product_query q{ex->query("q").value_or(""), page->limit, page->offset};
  bridge(*s.bridges, [=](caf::event_based_actor* self) {
    self->request(s.catalog, s.ask_timeout, list_atom_v, q)
      .then(
        [=](const product_page& found) {
          std::map<uint32_t, std::vector<int64_t>> by_shard;
          for (auto& p : found.items)
            by_shard[inventory_shard_of(p.id, static_cast<uint32_t>(s.shards.size()))].push_back(
              p.id);
          auto ask = [&](auto& entry) {
            return self->request(s.shards[entry.first], s.ask_timeout, get_atom_v, entry.second);
          };
          auto all = [=](std::vector<std::vector<stock_level>>& replies) {
            std::map<int64_t, int32_t> available;
            for (auto& levels : replies)
              for (auto& l : levels)
                available[l.product_id] = l.available();
            auto items = json::array();
            for (auto& p : found.items)
              items.push_back(product_json(p, available[p.id]));
            respond_json(ex, 200, page_json(std::move(items), found.total, *page));
          };
          gather<std::vector<stock_level>>(by_shard, ask, all, [=](caf::error& err) {
            respond_error(ex, self->system(), err);
          });
        },
        [=](caf::error& err) {
          respond_error(ex, self->system(), err);
        });
  });
}

/// Reads a product body; `full` for POST (sku and stock too), else PUT's name/description/price.
std::optional<domain::product_request> product_body(const exchange_ptr& ex, bool full) {
  auto body = parse_object(ex);
  if (!body)
    return std::nullopt;
  std::vector<field_error> errors;
  field_reader r{*body, errors};
  domain::product_request req;
  req.sku = full ? r.text("sku", true) : "keep";
  req.name = r.text("name", true);
  req.description = r.text("description", false, {}, domain::text_kind::prose);
  req.price_cents = r.integer("price_cents", true, 0, 0, 1000000000);
  req.currency = full ? r.text("currency", false, "USD") : "USD";
  req.initial_stock = full ? r.integer("initial_stock", false, 0, 0, 1000000) : 0;
  req.low_stock_threshold = full ? r.integer("low_stock_threshold", false, 5, 0, 1000000) : 0;
  add_rule_errors(errors, domain::validate(req));
  if (!errors.empty()) {
    ex->respond_problem(invalid(std::move(errors)));
    return std::nullopt;
  }
  return req;
}

void create_product(const services& s, const exchange_ptr& ex) {
  auto req = product_body(ex, true);
  if (!req)
    return;
  bridge(*s.bridges, [=](caf::event_based_actor* self) {
    self->request(s.catalog, s.ask_timeout, create_atom_v, *req)
      .then(
        [=](const product& p) {
          respond_json(ex, 201, product_json(p, req->initial_stock),
                       {{"Location", "/products/" + std::to_string(p.id)}});
        },
        [=](caf::error& err) {
          respond_error(ex, self->system(), err);
        });
  });
}

void replace_product(const services& s, const exchange_ptr& ex) {
  auto id = id_param(ex, "id");
  if (!id)
    return;
  auto req = product_body(ex, false);
  if (!req)
    return;
  bridge(*s.bridges, [=](caf::event_based_actor* self) {
    then_ask<product>(
      self, ex, s.catalog, s.ask_timeout,
      [=](const product& p) {
        answer_product(self, s, ex, 200, p);
      },
      replace_atom_v, *id, *req);
  });
}

void answer_levels(const exchange_ptr& ex, const stock_level& l) {
  respond_json(ex, 200, stock_json(l));
}

void get_inventory(const services& s, const exchange_ptr& ex) {
  if (auto id = id_param(ex, "product_id"))
    ask<stock_level>(*s.bridges, ex, s.shard_for(*id), s.ask_timeout, answer_levels, get_atom_v,
                     *id);
}

/// An admin change of a product's stock: `read` maps the body onto the message's value,
/// recording field errors; the product's shard answers the new levels.
template <class Atom, class Read>
void change_stock(const services& s, const exchange_ptr& ex, Atom atom, Read read) {
  auto id = id_param(ex, "product_id");
  if (!id)
    return;
  auto body = parse_object(ex);
  if (!body)
    return;
  std::vector<field_error> errors;
  field_reader r{*body, errors};
  auto value = read(r, errors);
  if (!errors.empty())
    return ex->respond_problem(invalid(std::move(errors)));
  ask<stock_level>(*s.bridges, ex, s.shard_for(*id), s.ask_timeout, answer_levels, atom, *id,
                   value);
}

void restock(const services& s, const exchange_ptr& ex) {
  change_stock(s, ex, restock_atom_v, [](field_reader& r, std::vector<field_error>&) {
    return r.integer("quantity", true, 0, 1, 1000000);
  });
}

void set_levels(const services& s, const exchange_ptr& ex) {
  change_stock(s, ex, set_atom_v, [](field_reader& r, std::vector<field_error>& errors) {
    level_change change;
    if (auto v = r.optional_integer("on_hand", 0, domain::max_units))
      change.on_hand = *v;
    if (auto v = r.optional_integer("low_stock_threshold", 0, domain::max_units))
      change.low_stock_threshold = *v;
    if (errors.empty() && !change.on_hand && !change.low_stock_threshold)
      errors.push_back({"on_hand", "send on_hand, low_stock_threshold or both"});
    return change;
  });
}

} // namespace

std::vector<route> catalog_routes(const services& s) {
  auto with = [&s](route_fn fn) {
    return bind(s, fn);
  };
  return {
    {"GET", "/products", with(list_products)},
    {"POST", "/products", with(create_product), access::admin_role},
    {"GET", "/products/:id", with(get_product)},
    {"PUT", "/products/:id", with(replace_product), access::admin_role},
    {"GET", "/inventory/:product_id", with(get_inventory)},
    {"PUT", "/inventory/:product_id", with(set_levels), access::admin_role},
    {"POST", "/inventory/:product_id/restock", with(restock), access::admin_role},
  };
}

} // namespace agora::http
