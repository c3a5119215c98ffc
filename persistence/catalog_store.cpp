#include "persistence/catalog_store.hpp"

#include "persistence/database.hpp"
#include "persistence/errors.hpp"
#include "persistence/transact.hpp"
#include "runtime/base/actor_registry.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <pqxx/result>
#include <pqxx/transaction>

namespace agora::persistence {

namespace {

using namespace agora::protocol;
using domain::product;

constexpr const char* product_columns = "id, sku, name, description, price_cents, currency";

product to_product(const pqxx::row& row) {
  return {row[0].as<int64_t>(),     row[1].as<std::string>(), row[2].as<std::string>(),
          row[3].as<std::string>(), row[4].as<int64_t>(),     row[5].as<std::string>()};
}

catalog_store_actor::behavior_type store(catalog_store_actor::pointer self, connection_pool* pool,
                                         actor_registry* registry) {
  track_sampled(self, *registry, "store.catalog");
  return {
    [=](load_atom) {
      return transact<std::vector<product>>(*pool, [](pqxx::work& tx) {
        std::vector<product> out;
        for (auto row :
             tx.exec(std::string{"SELECT "} + product_columns + " FROM products ORDER BY id"))
          out.push_back(to_product(row));
        return out;
      });
    },
    [=](load_atom, int64_t since_ms) {
      return transact<product_changes>(*pool, [since_ms](pqxx::work& tx) {
        product_changes out;
        out.as_of_ms =
          tx.exec("SELECT (extract(epoch FROM now()) * 1000)::bigint")[0][0].as<int64_t>();
        for (auto row : tx.exec_params(std::string{"SELECT "} + product_columns
                                         + " FROM products WHERE updated_at > "
                                           "to_timestamp($1 / 1000.0) ORDER BY id",
                                       since_ms))
          out.products.push_back(to_product(row));
        return out;
      });
    },
    [=](create_atom, const domain::product_request& r) {
      return transact<product>(*pool, [&](pqxx::work& tx) -> caf::result<product> {
        auto found = tx.exec_params("SELECT 1 FROM products WHERE sku = $1", r.sku);
        if (!found.empty())
          return caf::make_error(errc::conflict, "a product with sku " + r.sku + " exists");
        auto row = tx.exec_params1(std::string{"INSERT INTO products (sku, name, description, "
                                               "price_cents, currency) VALUES ($1, $2, $3, $4, $5) "
                                               "RETURNING "}
                                     + product_columns,
                                   r.sku, r.name, r.description, r.price_cents, r.currency);
        auto p = to_product(row);
        tx.exec_params("INSERT INTO stock (product_id, on_hand, low_stock_threshold) VALUES ($1, "
                       "$2, $3)",
                       p.id, r.initial_stock, r.low_stock_threshold);
        return p;
      });
    },
    [=](replace_atom, int64_t id, const domain::product_request& r) {
      return transact<product>(*pool, [&](pqxx::work& tx) -> caf::result<product> {
        auto rows = tx.exec_params(std::string{"UPDATE products SET name = $2, description = $3, "
                                               "price_cents = $4, updated_at = now() WHERE id = $1 "
                                               "RETURNING "}
                                     + product_columns,
                                   id, r.name, r.description, r.price_cents);
        if (rows.empty())
          return caf::make_error(errc::not_found, std::string{"no such product"});
        return to_product(rows[0]);
      });
    },
  };
}

} // namespace

catalog_store_actor spawn_catalog_store(caf::actor_system& sys, connection_pool& pool,
                                        actor_registry& registry) {
  return spawn_counted<caf::detached>(sys, store, &pool, &registry);
}

} // namespace agora::persistence
