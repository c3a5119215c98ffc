#pragma once

#include "actors/protocol/atoms.hpp"
#include "actors/protocol/errors.hpp"
#include "actors/protocol/id_offsets.hpp"

#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/type_id.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>

// Customer accounts and their sessions: plain rows behind detached workers (hashing a password
// costs tens of milliseconds by design, so it never runs on the actor scheduler). Passwords and
// session tokens cross this protocol only on their way in; the store keeps an Argon2id hash and a
// token digest.

namespace agora::protocol {

struct account {
  std::string id; ///< "cus_..."
  std::string email;
  std::string name;
  int64_t created_at_ms = 0;
};

struct signup_request {
  std::string email;
  std::string password;
  std::string name;
};

/// A new session: the bearer token (answered once, stored only as its digest).
struct session_grant {
  std::string token;
  int64_t expires_at_ms = 0;
  account who;
};

/// A live session found by its token's digest.
struct session_info {
  account who;
  int64_t expires_at_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, account& x) {
  return f(caf::meta::type_name("account"), x.id, x.email, x.name, x.created_at_ms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, signup_request& x) {
  return f(caf::meta::type_name("signup_request"), x.email, x.password, x.name);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_grant& x) {
  return f(caf::meta::type_name("session_grant"), x.token, x.expires_at_ms, x.who);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_info& x) {
  return f(caf::meta::type_name("session_info"), x.who, x.expires_at_ms);
}

} // namespace agora::protocol

CAF_BEGIN_TYPE_ID_BLOCK(agora_accounts, agora::protocol::accounts_first_type_id)
CAF_ADD_TYPE_ID(agora_accounts, (agora::protocol::account))
CAF_ADD_TYPE_ID(agora_accounts, (agora::protocol::signup_request))
CAF_ADD_TYPE_ID(agora_accounts, (agora::protocol::session_grant))
CAF_ADD_TYPE_ID(agora_accounts, (agora::protocol::session_info))
CAF_END_TYPE_ID_BLOCK(agora_accounts)

namespace agora::protocol {

/// `signup` creates an account (errc::conflict when the email, compared case-insensitively, is
/// taken); `signin` checks a password and opens a session (errc::unauthenticated for a wrong email
/// or password alike, in the same time); `session` finds a live session by its token digest
/// (errc::unauthenticated when unknown, expired or revoked); `signout` revokes one (true when it
/// was live).
using account_store_actor =
  caf::typed_actor<caf::replies_to<signup_atom, signup_request>::with<account>,
                   caf::replies_to<signin_atom, std::string, std::string>::with<session_grant>,
                   caf::replies_to<session_atom, std::string>::with<session_info>,
                   caf::replies_to<signout_atom, std::string>::with<bool>>;

} // namespace agora::protocol
