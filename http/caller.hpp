#pragma once

#include "actors/protocol/accounts.hpp"

#include <functional>
#include <optional>
#include <string>

// Who is calling: resolved once per request, before its handler, from the bearer token (or an
// order link's ?access_token=). The route's rule (see `access`) is checked against it, and
// handlers that show one resource check ownership with it.
namespace agora::http {

enum class caller_kind {
  anonymous,
  guest,    ///< presents an order access token ("oat_..."); which order it opens is checked later
  customer, ///< a live session of an account
  operator_staff,
  admin_staff,
};

struct caller {
  caller_kind kind = caller_kind::anonymous;
  std::string token;            ///< guest: the order access token presented
  std::string digest;           ///< customer, staff: the digest of the bearer token
  protocol::account account;    ///< customer
  bool trusted_address = false; ///< the client's address is in --metrics-allow

  bool staff() const {
    return kind == caller_kind::operator_staff || kind == caller_kind::admin_staff;
  }
};

/// Finds sessions by token digest for the door (implemented over the account store, with a
/// cache): `done(account)` for a live session, `done(nullopt)` for an unknown, expired or revoked
/// one; `unavailable()` when the store could not answer. Either may run on any thread.
class session_lookup {
 public:
  virtual ~session_lookup() = default;
  virtual void find(const std::string& digest,
                    std::function<void(std::optional<protocol::account>)> done,
                    std::function<void()> unavailable) = 0;
};

} // namespace agora::http
