#include "runtime/base/secrets.hpp"

#include <algorithm>
#include <sodium.h>
#include <stdexcept>

namespace agora::secrets {

namespace {

void ready() {
  static const bool ok = sodium_init() >= 0;
  if (!ok)
    throw std::runtime_error("libsodium failed to initialise");
}

std::string base64url(const unsigned char* data, size_t size) {
  std::string out(sodium_base64_encoded_len(size, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

} // namespace

std::string hash_password(std::string_view password) {
  ready();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13)
      != 0)
    throw std::runtime_error("password hashing ran out of memory");
  return out;
}

bool verify_password(const std::string& hash, std::string_view password) {
  ready();
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string new_token(std::string_view prefix) {
  ready();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  return std::string{prefix} + base64url(bytes, sizeof bytes);
}

std::string token_digest(std::string_view token) {
  ready();
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::string keyed_token(std::string_view prefix, std::string_view key, std::string_view message) {
  ready();
  if (key.size() < crypto_generichash_KEYBYTES_MIN)
    throw std::invalid_argument("a token key needs at least 16 bytes");
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size(), reinterpret_cast<const unsigned char*>(key.data()),
                     std::min(key.size(), size_t{crypto_generichash_KEYBYTES_MAX}));
  return std::string{prefix} + base64url(digest, sizeof digest);
}

bool same(std::string_view a, std::string_view b) {
  ready();
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace agora::secrets
