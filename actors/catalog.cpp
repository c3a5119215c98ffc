#include "actors/catalog.hpp"

#include "runtime/base/actor_registry.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <algorithm>
#include <cctype>
#include <map>

namespace agora::actors {

namespace {

using namespace agora::protocol;
using domain::product;

struct catalog_state {
  static inline const char* name = "catalog";
  std::map<int64_t, product> products;
  catalog_store_actor store;
  std::vector<inventory_actor> shards;
  catalog_options options;
  int64_t seen_ms = 0; ///< changes up to this database time are in `products`
};

using catalog_impl = catalog_actor::extend<caf::reacts_to<tick_atom>>;
using self_ptr = catalog_impl::stateful_pointer<catalog_state>;

/// A write commits after its transaction's now(): a change may appear with a time a little
/// before the last answer's, so each read looks this far back again.
constexpr int64_t refresh_overlap_ms = 5000;

/// Takes in what other nodes' doors changed, so every door serves the same catalog (and prices
/// new orders with it) within a refresh interval.
void refresh(self_ptr self) {
  auto& st = self->state;
  auto since = st.seen_ms == 0 ? 0 : st.seen_ms - refresh_overlap_ms;
  self->request(st.store, st.options.store_timeout, load_atom_v, since)
    .then(
      [=](product_changes& changes) {
        for (auto& p : changes.products)
          self->state.products[p.id] = std::move(p);
        self->state.seen_ms = changes.as_of_ms;
        self->delayed_send(self, self->state.options.refresh, tick_atom_v);
      },
      [=](caf::error&) {
        self->delayed_send(self, self->state.options.refresh, tick_atom_v);
      });
}

std::string lower(std::string_view s) {
  std::string out{s};
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

product_page page(const catalog_state& st, const product_query& q) {
  product_page out;
  auto needle = lower(q.q);
  for (auto& [id, p] : st.products) {
    if (!needle.empty() && lower(p.name).find(needle) == std::string::npos
        && lower(p.sku).find(needle) == std::string::npos)
      continue;
    if (out.total >= q.offset && static_cast<int64_t>(out.items.size()) < q.limit)
      out.items.push_back(p);
    ++out.total;
  }
  return out;
}

/// Stores a new or changed product, shares it with its inventory shard, then answers it.
caf::result<product> store_then_adopt(self_ptr self, const domain::product_request& req,
                                      int64_t replace_id) {
  auto rp = self->make_response_promise<product>();
  auto adopt = [=](const product& p) mutable {
    self->state.products[p.id] = p;
    domain::stock_level level{p.id, req.initial_stock, 0, req.low_stock_threshold, true};
    auto& shard = self->state.shards[inventory_shard_of(p.id, self->state.shards.size())];
    self->request(shard, self->state.options.store_timeout, adopt_atom_v, p, level)
      .then(
        [=](bool) mutable {
          rp.deliver(p);
        },
        [=](caf::error& e) mutable {
          rp.deliver(e);
        });
  };
  auto fail = [=](caf::error& e) mutable {
    rp.deliver(e);
  };
  if (replace_id > 0)
    self
      ->request(self->state.store, self->state.options.store_timeout, replace_atom_v, replace_id,
                req)
      .then(adopt, fail);
  else
    self->request(self->state.store, self->state.options.store_timeout, create_atom_v, req)
      .then(adopt, fail);
  return rp;
}

catalog_impl::behavior_type catalog(self_ptr self, std::vector<product> products,
                                    catalog_store_actor store, std::vector<inventory_actor> shards,
                                    catalog_options options, actor_registry* registry) {
  for (auto& p : products)
    self->state.products[p.id] = std::move(p);
  self->state.store = std::move(store);
  self->state.shards = std::move(shards);
  self->state.options = options;
  track_sampled(self, *registry, "catalog");
  if (options.refresh.count() > 0)
    self->delayed_send(self, options.refresh, tick_atom_v);
  return {
    [=](tick_atom) {
      refresh(self);
    },
    [=](show_atom, int64_t id) -> caf::result<product_stock> {
      auto i = self->state.products.find(id);
      if (i == self->state.products.end())
        return caf::make_error(errc::not_found, std::string{"no such product"});
      auto& shards = self->state.shards;
      return self->delegate(shards[inventory_shard_of(id, static_cast<uint32_t>(shards.size()))],
                            show_atom_v, i->second);
    },
    [=](get_atom, int64_t id) -> caf::result<product> {
      auto i = self->state.products.find(id);
      if (i == self->state.products.end())
        return caf::make_error(errc::not_found, std::string{"no such product"});
      return i->second;
    },
    [=](get_atom, const std::vector<int64_t>& ids) {
      std::vector<product> found;
      for (auto id : ids) {
        auto i = self->state.products.find(id);
        if (i != self->state.products.end())
          found.push_back(i->second);
      }
      return found;
    },
    [=](list_atom, const product_query& q) {
      return page(self->state, q);
    },
    [=](create_atom, const domain::product_request& req) {
      return store_then_adopt(self, req, 0);
    },
    [=](replace_atom, int64_t id, const domain::product_request& req) -> caf::result<product> {
      if (self->state.products.count(id) == 0)
        return caf::make_error(errc::not_found, std::string{"no such product"});
      return store_then_adopt(self, req, id);
    },
  };
}

} // namespace

catalog_actor spawn_catalog(caf::actor_system& sys, std::vector<product> products,
                            catalog_store_actor store, std::vector<inventory_actor> shards,
                            catalog_options options, actor_registry& registry) {
  return caf::actor_cast<catalog_actor>(spawn_counted(
    sys, catalog, std::move(products), std::move(store), std::move(shards), options, &registry));
}

} // namespace agora::actors
