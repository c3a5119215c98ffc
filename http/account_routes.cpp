#include "http/account_routes.hpp"

#include "actors/domain/validation.hpp"
#include "http/json_io.hpp"
#include "http/ownership.hpp"
#include "http/session_cache.hpp"
#include "runtime/base/secrets.hpp"

namespace agora::http {

namespace {

using namespace agora::protocol;

constexpr size_t min_password = 10;
constexpr size_t max_password = 1024; ///< bytes: hashing cost must not grow with the input

/// Characters, not bytes: UTF-8 continuation bytes do not count.
size_t characters(const std::string& text) {
  size_t n = 0;
  for (unsigned char c : text)
    n += (c & 0xC0) != 0x80;
  return n;
}

json account_json(const account& a) {
  return {
    {"id", a.id}, {"email", a.email}, {"name", a.name}, {"created_at", rfc3339(a.created_at_ms)}};
}

void sign_up(const services& s, const exchange_ptr& ex) {
  auto body = parse_object(ex);
  if (!body)
    return;
  std::vector<field_error> errors;
  field_reader r{*body, errors};
  signup_request req;
  req.email = r.text("email", true);
  req.password = r.text("password", true);
  req.name = r.text("name", false);
  if (!req.email.empty() && !domain::valid_email(req.email))
    errors.push_back({"email", "must be a valid email address"});
  if (r.has("password")
      && (characters(req.password) < min_password || req.password.size() > max_password))
    errors.push_back({"password", "must be at least " + std::to_string(min_password)
                                    + " characters (and at most " + std::to_string(max_password)
                                    + " bytes)"});
  if (req.name.size() > 200)
    errors.push_back({"name", "must be at most 200 characters"});
  if (!errors.empty())
    return ex->respond_problem(invalid(std::move(errors)));
  ask<account>(
    *s.bridges, ex, s.accounts, s.ask_timeout,
    [](const exchange_ptr& ex, account& a) {
      respond_json(ex, 201, account_json(a), {{"Location", "/customers/me"}});
    },
    signup_atom_v, req);
}

void sign_in(const services& s, const exchange_ptr& ex) {
  auto body = parse_object(ex);
  if (!body)
    return;
  std::vector<field_error> errors;
  field_reader r{*body, errors};
  auto email = r.text("email", true);
  auto password = r.text("password", true);
  if (!errors.empty())
    return ex->respond_problem(invalid(std::move(errors)));
  if (password.size() > max_password) // never hashed: as wrong as any other password
    password.resize(max_password);
  auto cache = s.sessions;
  ask<session_grant>(
    *s.bridges, ex, s.accounts, s.ask_timeout,
    [cache](const exchange_ptr& ex, session_grant& g) {
      cache->remember(secrets::token_digest(g.token), {g.who, g.expires_at_ms});
      respond_json(ex, 201, {{"token", g.token}, {"expires_at", rfc3339(g.expires_at_ms)}});
    },
    signin_atom_v, email, password);
}

void sign_out(const services& s, const exchange_ptr& ex) {
  auto digest = ex->who().digest;
  s.sessions->forget(digest);
  ask<bool>(
    *s.bridges, ex, s.accounts, s.ask_timeout,
    [](const exchange_ptr& ex, bool) {
      ex->respond(204, "");
    },
    signout_atom_v, digest);
}

void me(const services&, const exchange_ptr& ex) {
  respond_json(ex, 200, account_json(ex->who().account));
}

} // namespace

std::string order_access_token(const services& s, const std::string& order_id) {
  return secrets::keyed_token("oat_", s.order_token_key, order_id);
}

bool may_see_order(const services& s, const caller& who, const std::string& order_id,
                   const std::string& customer_id) {
  switch (who.kind) {
    case caller_kind::operator_staff:
    case caller_kind::admin_staff: return true;
    case caller_kind::customer: return !customer_id.empty() && who.account.id == customer_id;
    case caller_kind::guest: return secrets::same(who.token, order_access_token(s, order_id));
    case caller_kind::anonymous: return false;
  }
  return false;
}

std::vector<route> account_routes(const services& s) {
  auto with = [&s](route_fn fn) {
    return bind(s, fn);
  };
  return {
    {"POST", "/customers", with(sign_up), access::everyone, true, limit_class::logins},
    {"GET", "/customers/me", with(me), access::account},
    {"POST", "/sessions", with(sign_in), access::everyone, true, limit_class::logins},
    {"DELETE", "/sessions/current", with(sign_out), access::account},
  };
}

} // namespace agora::http
