#pragma once

#include <caf/type_id.hpp>

// Every type-ID block of agora and its range, in one file, so blocks never overlap. Give each new
// protocol header the next free range of 32 and register it in runtime/actor_system.cpp.
namespace agora::protocol {

constexpr caf::type_id_t health_first_type_id = caf::first_custom_type_id + 0;
constexpr caf::type_id_t domain_first_type_id = caf::first_custom_type_id + 32;
constexpr caf::type_id_t catalog_first_type_id = caf::first_custom_type_id + 64;
constexpr caf::type_id_t inventory_first_type_id = caf::first_custom_type_id + 96;
constexpr caf::type_id_t order_first_type_id = caf::first_custom_type_id + 128;
constexpr caf::type_id_t payment_first_type_id = caf::first_custom_type_id + 160;
constexpr caf::type_id_t shipping_first_type_id = caf::first_custom_type_id + 192;
constexpr caf::type_id_t reads_first_type_id = caf::first_custom_type_id + 224;
constexpr caf::type_id_t mail_first_type_id = caf::first_custom_type_id + 256;
constexpr caf::type_id_t entity_first_type_id = caf::first_custom_type_id + 288;
constexpr caf::type_id_t cluster_first_type_id = caf::first_custom_type_id + 320;
constexpr caf::type_id_t accounts_first_type_id = caf::first_custom_type_id + 352;
constexpr caf::type_id_t introspection_first_type_id = caf::first_custom_type_id + 384;

} // namespace agora::protocol
