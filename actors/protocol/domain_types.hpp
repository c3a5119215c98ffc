#pragma once

#include "actors/domain/notifications.hpp"
#include "actors/domain/types.hpp"
#include "actors/domain/validation.hpp"
#include "actors/protocol/id_offsets.hpp"

#include <caf/meta/type_name.hpp>
#include <caf/type_id.hpp>

#include <vector>

// inspect() for the domain's value types, so they can travel in messages between nodes; the
// domain itself stays free of CAF.
namespace agora::domain {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, address& x) {
  return f(caf::meta::type_name("address"), x.name, x.line1, x.line2, x.city, x.postal_code,
           x.country);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, line_item& x) {
  return f(caf::meta::type_name("line_item"), x.product_id, x.quantity, x.unit_price_cents);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, product& x) {
  return f(caf::meta::type_name("product"), x.id, x.sku, x.name, x.description, x.price_cents,
           x.currency);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stock_level& x) {
  return f(caf::meta::type_name("stock_level"), x.product_id, x.on_hand, x.reserved,
           x.low_stock_threshold, x.low_alert_armed);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, product_request& x) {
  return f(caf::meta::type_name("product_request"), x.sku, x.name, x.description, x.price_cents,
           x.currency, x.initial_stock, x.low_stock_threshold);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, notification& x) {
  return f(caf::meta::type_name("notification"), x.type, x.dedupe_key, x.recipient, x.subject,
           x.body_text, x.order_id, x.product_id);
}

} // namespace agora::domain

CAF_BEGIN_TYPE_ID_BLOCK(agora_domain, agora::protocol::domain_first_type_id)
CAF_ADD_TYPE_ID(agora_domain, (agora::domain::address))
CAF_ADD_TYPE_ID(agora_domain, (agora::domain::line_item))
CAF_ADD_TYPE_ID(agora_domain, (agora::domain::product))
CAF_ADD_TYPE_ID(agora_domain, (agora::domain::stock_level))
CAF_ADD_TYPE_ID(agora_domain, (agora::domain::product_request))
CAF_ADD_TYPE_ID(agora_domain, (std::vector<agora::domain::line_item>))
CAF_ADD_TYPE_ID(agora_domain, (std::vector<agora::domain::product>))
CAF_ADD_TYPE_ID(agora_domain, (std::vector<agora::domain::stock_level>))
CAF_ADD_TYPE_ID(agora_domain, (std::vector<int64_t>))
CAF_ADD_TYPE_ID(agora_domain, (agora::domain::notification))
CAF_ADD_TYPE_ID(agora_domain, (std::vector<agora::domain::notification>))
CAF_END_TYPE_ID_BLOCK(agora_domain)
