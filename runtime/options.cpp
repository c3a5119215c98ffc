#include "actors/domain/email.hpp"
#include "actors/domain/validation.hpp"
#include "http/request_context.hpp"
#include "runtime/config.hpp"

#include <charconv>
#include <sstream>
#include <unistd.h>

// The table of every option: names, default, help, and a reader that checks the text and puts the
// value into its field of node_config. No option has code of its own outside this table (checks
// across options are in config.cpp's finish()).
namespace agora::runtime {

namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using why = std::optional<std::string>;

/// The field of node_config at `path`, as a function the readers call.
#define AGORA_FIELD(path)                                                                          \
  [](node_config & c) -> auto& {                                                                   \
    return c.path;                                                                                 \
  }

bool whole(const std::string& text, long long lo, long long hi, long long& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size() && out >= lo && out <= hi;
}

/// A whole number lo..hi, as the field's type: an integer, or a duration of `Unit`s.
template <class Unit = void, class Field>
option_reader number(long long lo, long long hi, Field field) {
  return [=](const std::string& text, node_config& c) -> why {
    long long n = 0;
    if (!whole(text, lo, hi, n))
      return "must be " + std::to_string(lo) + ".." + std::to_string(hi) + ", not '" + text + "'";
    using target = std::remove_reference_t<decltype(field(c))>;
    if constexpr (std::is_void_v<Unit>)
      field(c) = static_cast<target>(n);
    else
      field(c) = Unit{n};
    return std::nullopt;
  };
}

template <class Field>
option_reader millis(long long lo, long long hi, Field field) {
  return number<milliseconds>(lo, hi, field);
}

template <class Field>
option_reader secs(long long lo, long long hi, Field field) {
  return number<seconds>(lo, hi, field);
}

/// Any text; `check` (optional) answers why a text is not acceptable.
template <class Field, class Check = std::nullptr_t>
option_reader text(Field field, Check check = nullptr) {
  return [=](const std::string& value, node_config& c) -> why {
    if constexpr (!std::is_same_v<Check, std::nullptr_t>)
      if (auto bad = check(value))
        return bad;
    field(c) = value;
    return std::nullopt;
  };
}

/// true or false.
template <class Field>
option_reader boolean(Field field) {
  return [=](const std::string& v, node_config& c) -> why {
    if (v != "true" && v != "false")
      return "must be true or false, not '" + v + "'";
    field(c) = v == "true";
    return std::nullopt;
  };
}

/// Empty, or a URL starting with one of the two schemes.
auto url_of(const char* a, const char* b) {
  return [=](const std::string& v) -> why {
    if (v.empty() || v.rfind(a, 0) == 0 || v.rfind(b, 0) == 0)
      return std::nullopt;
    return std::string{"must start with "} + a + " or " + b;
  };
}

why read_roles(const std::string& text, node_config& c) {
  c.roles = {};
  std::stringstream roles{text};
  for (std::string role; std::getline(roles, role, ',');) {
    auto b = role.find_first_not_of(" \t"), e = role.find_last_not_of(" \t");
    role = b == std::string::npos ? std::string{} : role.substr(b, e - b + 1);
    if (role == "all") {
      c.roles = domain::role_set::all();
      return std::nullopt;
    }
    auto known = domain::from_text<domain::node_role>(role);
    if (!known)
      return "unknown role '" + role + "'";
    c.roles.add(*known);
  }
  if (c.roles.empty())
    return "name at least one role";
  return std::nullopt;
}

why read_tls(const std::string& text, node_config& c) {
  if (text == "auto")
    c.smtp.tls = mail::tls_mode::automatic;
  else if (text == "required")
    c.smtp.tls = mail::tls_mode::required;
  else if (text == "none")
    c.smtp.tls = mail::tls_mode::none;
  else
    return "must be auto, required or none";
  return std::nullopt;
}

why read_tokens(const std::string& text, node_config& c) {
  std::string error;
  auto tokens = http::parse_tokens(text, error);
  if (!tokens)
    return error;
  c.http.tokens = std::move(*tokens);
  return std::nullopt;
}

why long_secret(const std::string& v) {
  if (!v.empty() && v.size() < 32)
    return "must be at least 32 characters";
  return std::nullopt;
}

/// A reader of a rate ("2/s:20", "off") into `field`.
option_reader rate_of(http::rate http::server_options::*field) {
  return [field](const std::string& text, node_config& c) -> why {
    std::string error;
    auto r = http::parse_rate(text, error);
    if (!r)
      return error;
    c.http.*field = *r;
    return std::nullopt;
  };
}

why read_metrics_allow(const std::string& text, node_config& c) {
  std::string error;
  auto ranges = http::parse_ranges(text, error);
  if (!ranges)
    return error;
  c.http.metrics_allow = std::move(*ranges);
  return std::nullopt;
}

why read_seeds(const std::string& text, node_config& c) {
  auto seeds = cluster::parse_endpoints(text);
  if (!seeds)
    return "expected host:port[,host:port...]";
  c.cluster.seeds = std::move(*seeds);
  return std::nullopt;
}

why read_level(const std::string& text, node_config& c) {
  if (!log::parse_level(text, c.log_level))
    return "must be debug, info, warn or error";
  return std::nullopt;
}

why required(const std::string& v) {
  if (v.empty())
    return "is required (or set AGORA_DATABASE_URL)";
  return std::nullopt;
}

why ops_address(const std::string& v) {
  if (!domain::valid_email(v) && v != "ops@localhost")
    return "must be an email address";
  return std::nullopt;
}

why sender(const std::string& v) {
  if (!domain::valid_email(domain::address_of(v)))
    return "must be an address or Name <address>";
  return std::nullopt;
}

why readable(const std::string& v) {
  if (!v.empty() && ::access(v.c_str(), R_OK) != 0)
    return "cannot read " + v;
  return std::nullopt;
}

why short_id(const std::string& v) {
  if (v.size() > 128)
    return "must be at most 128 characters";
  return std::nullopt;
}

const std::vector<option_spec> all_options{
  {"config", "", "", "read options from this file (key = value lines, [section] headers)", {}},
  {"http-address", "http.address", "127.0.0.1", "address the front door listens on",
   text(AGORA_FIELD(http.address))},
  {"http-port", "http.port", "8080", "front door port (0 picks a free one and logs it)",
   number(0, 65535, AGORA_FIELD(http.port))},
  {"http-threads", "http.threads", "2", "front door I/O threads",
   number(1, 64, AGORA_FIELD(http.threads))},
  {"http-max-connections", "http.max_connections", "1024", "open connections accepted at once",
   number(1, 1000000, AGORA_FIELD(http.max_connections))},
  {"http-max-in-flight", "http.max_in_flight", "4096",
   "requests being handled at once; beyond it the door answers 503 with Retry-After",
   number(1, 1000000, AGORA_FIELD(http.max_in_flight))},
  {"http-read-timeout-seconds", "http.read_timeout_seconds", "10",
   "a whole request (headers and body) must arrive within this",
   secs(1, 600, AGORA_FIELD(http.read_timeout))},
  {"http-write-timeout-seconds", "http.write_timeout_seconds", "10",
   "a response must be written within this", secs(1, 600, AGORA_FIELD(http.write_timeout))},
  {"http-handle-timeout-seconds", "http.handle_timeout_seconds", "40",
   "longest a request may be handled (above the 30 s of the longest Prefer: wait)",
   secs(35, 3600, AGORA_FIELD(http.handle_timeout))},
  {"request-timeout-ms", "http.request_timeout_ms", "5000",
   "how long the door waits for an actor's answer (a create or cancel also waits for its "
   "journal, up to --store-timeout-ms more)",
   millis(10, 600000, AGORA_FIELD(http.request_timeout))},
  {"drain-seconds", "http.drain_seconds", "5", "at a stop, requests in flight may finish this long",
   secs(0, 600, AGORA_FIELD(drain))},
  {"database-url", "database.url", "",
   "PostgreSQL URL, e.g. postgresql://agora@127.0.0.1:5432/agora (required)",
   text(AGORA_FIELD(database.url), required), true},
  {"db-pool-size", "db.pool_size", "12", "database connections for the store actors",
   number(1, 256, AGORA_FIELD(database.pool_size))},
  {"store-workers", "db.store_workers", "2",
   "detached workers per blocking store (payments, shipping; readers get twice as many)",
   number(1, 64, AGORA_FIELD(store_workers))},
  {"db-wait-seconds", "db.wait_seconds", "30",
   "how long start-up waits for the database before giving up",
   secs(0, 3600, AGORA_FIELD(database.wait_at_start))},
  {"db-statement-timeout-ms", "db.statement_timeout_ms", "30000",
   "no statement runs longer (a lock never released, a silent server): it fails instead",
   millis(100, 3600000, AGORA_FIELD(database.statement_timeout))},
  {"db-effects-linger-ms", "db.effects_linger_ms", "10",
   "the effects writer's wait for more jobs before a commit (stock, payments, shipments; 0: none)",
   millis(0, 1000, AGORA_FIELD(database.effects_linger))},
  {"db-journal-linger-ms", "db.journal_linger_ms", "5",
   "the journal writer's wait for more appends while none queued is one a client waits for "
   "(an order's own steps; a create, cancel or refund commits at once; 0: none)",
   millis(0, 1000, AGORA_FIELD(database.journal_linger))},
  {"db-acquire-timeout-ms", "db.acquire_timeout_ms", "5000",
   "a store's wait for a free pooled connection",
   millis(10, 600000, AGORA_FIELD(database.acquire_timeout))},
  {"store-timeout-ms", "db.store_timeout_ms", "30000",
   "deadline of an actor's request to a store (and of the loads at start)",
   millis(100, 600000, AGORA_FIELD(store_timeout))},
  {"auth-tokens", "auth.tokens", "",
   "admin bearer tokens as token:role,token:role (roles: admin, operator; tokens >= 16 chars)",
   read_tokens, true},
  {"metrics-allow", "http.metrics_allow", "127.0.0.0/8,::1",
   "addresses that may read /metrics without a staff token (address or address/bits, comma "
   "separated; empty: staff only)",
   read_metrics_allow},
  {"rate-orders", "limits.orders", "2/s:20",
   "orders a client address (and a customer or token) may place: N/s, N/min or N/h, :burst; off",
   rate_of(&http::server_options::rate_orders)},
  {"rate-logins", "limits.logins", "10/min:10",
   "sign-ups, sign-ins and failed authentications per client address; over it, every request "
   "with credentials from there is a 429",
   rate_of(&http::server_options::rate_logins)},
  {"rate-requests", "limits.requests", "50/s:100",
   "every other request per client address (and per customer or token)",
   rate_of(&http::server_options::rate_requests)},
  {"session-ttl-seconds", "auth.session_ttl_seconds", "86400",
   "a customer session (POST /sessions) lasts this long",
   secs(60, 30 * 86400, AGORA_FIELD(session_ttl))},
  {"session-cache-seconds", "auth.session_cache_seconds", "30",
   "the door re-reads a cached session after this; a sign-out on another node takes effect "
   "within it",
   secs(0, 3600, AGORA_FIELD(session_fresh))},
  {"order-token-secret", "auth.order_token_secret", "",
   "key of guests' order access tokens (>= 32 chars, the same on every node); empty: a random "
   "key kept in the database",
   text(AGORA_FIELD(order_token_secret), long_secret), true},
  {"node-id", "node.id", "", "this node's cluster-wide name [<hostname>-<http port>]",
   text(AGORA_FIELD(node_id), short_id)},
  {"cluster-address", "cluster.address", "127.0.0.1",
   "address of this node's cluster directory (CAF middleman); keep it private",
   text(AGORA_FIELD(cluster.address))},
  {"cluster-port", "cluster.port", "0",
   "port of this node's cluster directory; 0: publish nothing (a node on its own)",
   number(0, 65535, AGORA_FIELD(cluster.port))},
  {"seeds", "cluster.seeds", "",
   "other nodes' cluster endpoints, host:port,host:port; roles this node lacks are found there",
   read_seeds},
  {"seed-wait-seconds", "cluster.seed_wait_seconds", "30",
   "how long start-up waits for the seeds to serve a missing role",
   secs(0, 3600, AGORA_FIELD(cluster.wait))},
  {"cluster-heartbeat-ms", "cluster.heartbeat_ms", "1000",
   "how often connected nodes tell each other they are alive",
   millis(100, 60000, AGORA_FIELD(cluster.heartbeat))},
  {"cluster-timeout-ms", "cluster.timeout_ms", "5000",
   "a node silent this long is gone (membership TTL); also the deadline of a directory lookup",
   millis(500, 600000, AGORA_FIELD(cluster.timeout))},
  {"cluster-batch-ms", "cluster.batch_ms", "5",
   "stock commands for shards on another node wait this long to go there together (0: one by "
   "one)",
   millis(0, 1000, AGORA_FIELD(cluster.batch))},
  {"cluster-cert", "cluster.certificate", "",
   "this node's certificate (PEM) for mutual TLS on the cluster port",
   text(AGORA_FIELD(cluster.certificate))},
  {"cluster-key", "cluster.key", "", "the private key (PEM) of --cluster-cert",
   text(AGORA_FIELD(cluster.key))},
  {"cluster-ca", "cluster.ca", "",
   "the cluster CA (PEM): peers must present a certificate it signed",
   text(AGORA_FIELD(cluster.ca))},
  {"cluster-insecure", "cluster.insecure", "false",
   "true: the cluster port speaks plaintext and accepts any peer (trusted networks, tests)",
   boolean(AGORA_FIELD(cluster.insecure))},
  {"lease-ttl-ms", "cluster.lease_ttl_ms", "5000",
   "a shard lease its owner has not renewed this long may be taken by another node",
   millis(1000, 600000, AGORA_FIELD(cluster.lease_ttl))},
  {"roles", "node.roles", "all",
   "actors this node hosts: all, or a list of frontdoor,orders,inventory,payment,shipping,"
   "notification",
   read_roles},
  {"catalog-refresh-ms", "catalog.refresh_ms", "500",
   "how often a node reads the products changed through other nodes' doors (0: never)",
   millis(0, 600000, AGORA_FIELD(catalog.refresh))},
  {"order-shards", "orders.shards", "64",
   "order shards (a stable hash of the order id); leased to nodes; every node must use the same "
   "number",
   number(1, 4096, AGORA_FIELD(orders.shards))},
  {"inventory-shards", "inventory.shards", "8",
   "inventory shards (product id modulo shards); every node must use the same number",
   number(1, 1024, AGORA_FIELD(inventory.shards))},
  {"ops-email", "ops.email", "ops@localhost", "recipient of LOW_INVENTORY_ALERT mails",
   text(AGORA_FIELD(inventory.ops_email), ops_address)},
  {"public-url", "public.url", "",
   "base of the links in mails, e.g. https://shop.example [http://<http-address>:<http-port>]",
   text(AGORA_FIELD(public_url), url_of("http://", "https://"))},
  {"smtp-url", "smtp.url", "",
   "SMTP server for notification mail: smtp://host:port (STARTTLS when offered) or "
   "smtps://host:port (TLS); empty: mail stays QUEUED in the outbox",
   text(AGORA_FIELD(smtp.url), url_of("smtp://", "smtps://"))},
  {"smtp-user", "smtp.user", "", "SMTP AUTH user (empty: no AUTH)", text(AGORA_FIELD(smtp.user))},
  {"smtp-password", "smtp.password", "", "SMTP AUTH password; never logged",
   text(AGORA_FIELD(smtp.password)), true},
  {"smtp-from", "smtp.from", "agora <no-reply@agora.localhost>", "sender of every mail",
   text(AGORA_FIELD(smtp.from), sender)},
  {"smtp-tls", "smtp.tls", "auto",
   "auto (smtps: TLS; smtp: STARTTLS when offered), required (STARTTLS or no delivery), none",
   read_tls},
  {"smtp-ca-file", "smtp.ca_file", "",
   "PEM certificates to trust for the SMTP server (e.g. a self-signed one)",
   text(AGORA_FIELD(smtp.ca_file), readable)},
  {"smtp-connect-timeout-ms", "smtp.connect_timeout_ms", "10000", "SMTP connect deadline",
   millis(100, 600000, AGORA_FIELD(smtp.connect_timeout))},
  {"smtp-timeout-ms", "smtp.timeout_ms", "30000", "deadline of one whole SMTP exchange",
   millis(100, 600000, AGORA_FIELD(smtp.timeout))},
  {"smtp-concurrency", "smtp.concurrency", "4", "mails in flight at once on this node",
   number(1, 64, AGORA_FIELD(smtp_concurrency))},
  {"smtp-max-attempts", "smtp.max_attempts", "8",
   "attempts per mail before it is FAILED (an unreachable server does not use them up)",
   number(1, 100, AGORA_FIELD(notifications.retry.max_attempts))},
  {"smtp-retry-base-ms", "smtp.retry_base_ms", "2000",
   "first retry delay; doubles per attempt, with jitter",
   millis(10, 3600000, AGORA_FIELD(notifications.retry.base))},
  {"smtp-retry-max-ms", "smtp.retry_max_ms", "600000",
   "longest retry delay (at least --smtp-retry-base-ms)",
   millis(10, 86400000, AGORA_FIELD(notifications.retry.max))},
  {"mail-poll-ms", "mail.poll_ms", "500", "how often an idle notification node looks for mail",
   millis(10, 60000, AGORA_FIELD(notifications.poll))},
  {"mail-cap-per-hour", "mail.cap_per_hour", "20",
   "mails to one address in an hour (stock alerts excepted); beyond it they are SUPPRESSED, "
   "never sent (0: no cap)",
   number(0, 1000000, AGORA_FIELD(notifications.cap_per_hour))},
  {"shipping-step-seconds", "shipping.step_seconds", "30",
   "the simulated carrier moves each shipment one step on after this long (0: manual only)",
   secs(0, 86400, AGORA_FIELD(shipping.step))},
  {"payment-latency-ms", "payment.latency_ms", "0", "simulated card gateway round trip",
   millis(0, 60000, AGORA_FIELD(payment.latency))},
  {"order-step-timeout-ms", "orders.step_timeout_ms", "5000",
   "deadline of one saga step attempt; after 3 failed attempts the order compensates",
   millis(10, 600000, AGORA_FIELD(orders.step_timeout))},
  {"orders-max-in-progress", "orders.max_in_progress", "1000",
   "new orders get 503 + Retry-After while this many orders on the node are PENDING or "
   "RESERVED (0: no limit)",
   number(0, 10000000, AGORA_FIELD(orders.max_in_progress))},
  {"order-idle-seconds", "orders.idle_seconds", "60",
   "an order actor idle this long passivates (its journal re-activates it)",
   secs(1, 86400, AGORA_FIELD(orders.idle))},
  {"health-probe-ms", "health.probe_ms", "1000",
   "how often the node probes the database for /readyz",
   millis(50, 60000, AGORA_FIELD(health.probe_interval))},
  {"health-timeout-ms", "health.timeout_ms", "2000",
   "a probe not answered by then counts as failed (/readyz says 503)",
   millis(50, 60000, AGORA_FIELD(health.probe_timeout))},
  {"scheduler-threads", "scheduler.threads", "0", "actor scheduler threads (0: one per core)",
   number(0, 256, AGORA_FIELD(scheduler_threads))},
  {"record-messages", "introspection.record_messages", "false",
   "true: every actor keeps its last 32 messages for /admin/actors/{id} always, not only for a "
   "minute after someone looks at it",
   boolean(AGORA_FIELD(record_messages))},
  {"shutdown-seconds", "shutdown.seconds", "20",
   "longest a SIGTERM/SIGINT shutdown may take; beyond it the node logs the step that hung and "
   "exits 70",
   secs(1, 3600, AGORA_FIELD(shutdown_limit))},
  {"log-level", "log.level", "info", "debug, info, warn or error", read_level},
};

#undef AGORA_FIELD

} // namespace

const std::vector<option_spec>& option_specs() {
  return all_options;
}

} // namespace agora::runtime
