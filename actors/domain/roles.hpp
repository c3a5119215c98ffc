#pragma once

#include "actors/domain/enum_text.hpp"

#include <cstdint>
#include <initializer_list>
#include <string>

// What a node hosts. A node assembles one unit per role it has; roles it lacks are found on other
// nodes of the cluster.
namespace agora::domain {

enum class node_role : uint8_t { frontdoor, orders, inventory, payment, shipping, notification };

inline constexpr enum_text<node_role> node_role_names[] = {
  {node_role::frontdoor, "frontdoor"}, {node_role::orders, "orders"},
  {node_role::inventory, "inventory"}, {node_role::payment, "payment"},
  {node_role::shipping, "shipping"},   {node_role::notification, "notification"}};
constexpr auto& text_table(node_role) {
  return node_role_names;
}

/// A set of roles (a bit per role).
class role_set {
 public:
  constexpr role_set() = default;
  constexpr role_set(std::initializer_list<node_role> roles) {
    for (auto r : roles)
      add(r);
  }

  /// Every role there is.
  static constexpr role_set all() {
    role_set s;
    for (auto& entry : node_role_names)
      s.add(entry.value);
    return s;
  }

  constexpr void add(node_role r) {
    bits_ |= bit(r);
  }
  constexpr bool has(node_role r) const {
    return (bits_ & bit(r)) != 0;
  }
  constexpr bool empty() const {
    return bits_ == 0;
  }
  constexpr bool operator==(const role_set& other) const {
    return bits_ == other.bits_;
  }

 private:
  static constexpr uint8_t bit(node_role r) {
    return static_cast<uint8_t>(1u << static_cast<unsigned>(r));
  }
  uint8_t bits_ = 0;
};

/// "orders,payment": the roles of `roles` in the table's order.
inline std::string names(role_set roles) {
  std::string out;
  for (auto& entry : node_role_names)
    if (roles.has(entry.value))
      out += (out.empty() ? "" : ",") + std::string{entry.text};
  return out;
}

} // namespace agora::domain
