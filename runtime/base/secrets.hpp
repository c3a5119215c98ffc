#pragma once

#include <string>
#include <string_view>

// Secrets through libsodium, never hand-rolled: password hashes (Argon2id), opaque bearer tokens,
// their digests (what is stored and looked up) and keyed digests (an order's access token).
namespace agora::secrets {

/// Argon2id with libsodium's interactive limits (64 MiB, tens of milliseconds by design): the
/// "$argon2id$v=19$m=65536,t=2,p=1$..." string. Run it off the actor scheduler.
std::string hash_password(std::string_view password);

/// True when `password` matches `hash` (as hash_password made it); as slow as hashing.
bool verify_password(const std::string& hash, std::string_view password);

/// `prefix` followed by 43 characters of base64url: 256 random bits ("ses_...").
std::string new_token(std::string_view prefix);

/// The 64-hex BLAKE2b-256 digest of a token: what a store keeps and looks up instead of it.
std::string token_digest(std::string_view token);

/// `prefix` followed by the base64url BLAKE2b-256 of `message` keyed by `key` (at least 16
/// bytes): a capability only the key's holders can make.
std::string keyed_token(std::string_view prefix, std::string_view key, std::string_view message);

/// Compares in time that depends only on the lengths.
bool same(std::string_view a, std::string_view b);

} // namespace agora::secrets
