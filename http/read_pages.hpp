#pragma once

#include "actors/protocol/reads.hpp"
#include "http/actor_bridge.hpp"
#include "http/json_io.hpp"
#include "http/services.hpp"

#include <optional>
#include <string>
#include <string_view>

// What the routes that read from the database's read side share: path ids, page filters, the
// outbox's status values, and the ask that answers with the JSON the readers built.
namespace agora::http {

/// A path id of kind `prefix` ("ord", "ntf", ...); nullopt after answering 404 for anything else.
std::optional<std::string> path_id(const exchange_ptr& ex, std::string_view prefix);

/// A page filter from ?limit&offset and ?order_id; nullopt after a 400.
std::optional<protocol::list_filter> page_filter(const exchange_ptr& ex);

/// The field error for a ?status that is no notification status; nullopt when it is one or empty.
std::optional<field_error> notification_status_error(const std::string& status);

/// Asks the readers for a JSON document or page and answers it.
template <class Atom, class Arg>
void read_json(const services& s, const exchange_ptr& ex, Atom atom, const Arg& arg) {
  ask<std::string>(
    *s.bridges, ex, s.reads, s.ask_timeout,
    [](const exchange_ptr& ex, std::string& text) {
      respond_json_text(ex, 200, std::move(text));
    },
    atom, arg);
}

} // namespace agora::http
