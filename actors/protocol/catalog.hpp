#pragma once

#include "actors/protocol/atoms.hpp"
#include "actors/protocol/domain_types.hpp"
#include "actors/protocol/errors.hpp"
#include "actors/protocol/inventory.hpp"

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <string>
#include <vector>

// The catalog: one actor per node serving products from memory; changes go through its store.

namespace agora::protocol {

struct product_query {
  std::string q; ///< case-insensitive substring of name or sku; empty: all
  int32_t limit = 50;
  int32_t offset = 0;
};

struct product_page {
  std::vector<domain::product> items;
  int64_t total = 0;
};

/// Products changed since a time, as the database's clock read `as_of_ms` (unix ms).
struct product_changes {
  std::vector<domain::product> products;
  int64_t as_of_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, product_changes& x) {
  return f(caf::meta::type_name("product_changes"), x.products, x.as_of_ms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, product_query& x) {
  return f(caf::meta::type_name("product_query"), x.q, x.limit, x.offset);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, product_page& x) {
  return f(caf::meta::type_name("product_page"), x.items, x.total);
}

} // namespace agora::protocol

CAF_BEGIN_TYPE_ID_BLOCK(agora_catalog, agora::protocol::catalog_first_type_id)
CAF_ADD_TYPE_ID(agora_catalog, (agora::protocol::product_query))
CAF_ADD_TYPE_ID(agora_catalog, (agora::protocol::product_page))
CAF_ADD_TYPE_ID(agora_catalog, (agora::protocol::product_changes))
CAF_END_TYPE_ID_BLOCK(agora_catalog)

namespace agora::protocol {

/// The catalog actor. `get` of one id fails with errc::not_found; `get` of many answers the
/// products found (the caller compares). `create` fails with errc::conflict on a duplicate sku,
/// `replace` with errc::not_found; both answer the product as stored. `show` answers a product
/// with its stock: the catalog hands the request to the product's shard, which answers directly.
using catalog_actor = caf::typed_actor<
  caf::replies_to<show_atom, int64_t>::with<product_stock>,
  caf::replies_to<get_atom, int64_t>::with<domain::product>,
  caf::replies_to<get_atom, std::vector<int64_t>>::with<std::vector<domain::product>>,
  caf::replies_to<list_atom, product_query>::with<product_page>,
  caf::replies_to<create_atom, domain::product_request>::with<domain::product>,
  caf::replies_to<replace_atom, int64_t, domain::product_request>::with<domain::product>>;

/// The catalog's store (persistence/): loads every product (or those changed after a unix ms,
/// with the database's time of the answer), inserts a product with its stock row in one
/// transaction, replaces name, description and price.
using catalog_store_actor = caf::typed_actor<
  caf::replies_to<load_atom>::with<std::vector<domain::product>>,
  caf::replies_to<load_atom, int64_t>::with<product_changes>,
  caf::replies_to<create_atom, domain::product_request>::with<domain::product>,
  caf::replies_to<replace_atom, int64_t, domain::product_request>::with<domain::product>>;

} // namespace agora::protocol
