#pragma once

#include <cstdint>
#include <string>
#include <vector>

// Plain value types shared by the domain rules. No CAF, no JSON: protocol headers give them
// inspect() overloads, persistence and http map them to rows and documents.
namespace agora::domain {

/// One invalid input field, e.g. {"items[0].quantity", "must be 1..1000"}.
struct field_error {
  std::string field;
  std::string message;
};

struct address {
  std::string name;
  std::string line1;
  std::string line2;
  std::string city;
  std::string postal_code;
  std::string country;
};

struct line_item {
  int64_t product_id = 0;
  int32_t quantity = 0;
  int64_t unit_price_cents = 0; ///< from the catalog, never from the client
};

/// A product as the catalog knows it.
struct product {
  int64_t id = 0;
  std::string sku;
  std::string name;
  std::string description;
  int64_t price_cents = 0;
  std::string currency = "USD";
};

/// The most units of one product a shard keeps (on hand, reserved, or as a threshold): a change
/// that would go beyond is refused, never wrapped.
inline constexpr int64_t max_units = 1'000'000'000'000;

/// Stock of one product as its inventory shard knows it.
struct stock_level {
  int64_t product_id = 0;
  int64_t on_hand = 0;
  int64_t reserved = 0;
  int64_t low_stock_threshold = 0;
  bool low_alert_armed = true; ///< false after an alert, until a restock lifts it above threshold

  int64_t available() const {
    return on_hand - reserved;
  }
};

} // namespace agora::domain
