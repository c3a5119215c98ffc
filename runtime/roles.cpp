#include "actors/catalog.hpp"
#include "actors/health.hpp"
#include "actors/inventory.hpp"
#include "actors/notification.hpp"
#include "actors/order_router.hpp"
#include "actors/payment.hpp"
#include "actors/shipping.hpp"
#include "cluster/directory.hpp"
#include "cluster/role_proxy.hpp"
#include "http/account_routes.hpp"
#include "http/catalog_routes.hpp"
#include "http/ops_routes.hpp"
#include "http/order_routes.hpp"
#include "http/session_cache.hpp"
#include "persistence/account_store.hpp"
#include "persistence/catalog_store.hpp"
#include "persistence/inventory_store.hpp"
#include "persistence/order_store.hpp"
#include "persistence/outbox_store.hpp"
#include "persistence/payment_store.hpp"
#include "persistence/probe_store.hpp"
#include "persistence/read_store.hpp"
#include "persistence/shipping_store.hpp"
#include "runtime/assembly.hpp"
#include "runtime/base/log.hpp"

#include "mail/smtp.hpp"

// The role units of a node: each spawns one role's stores and actors (snapshots load before the
// door opens); connect() finds on the seeds what this node lacks.
namespace agora::runtime {

using domain::node_role;

void spawn_base(node& n) {
  auto& c = n.c;
  persistence::member_info me{c.node_id, c.http.address + ":" + std::to_string(c.http.port),
                              c.roles};
  n.probe = n.keep(persistence::spawn_probe_store(*n.sys, n.pool, me, n.registry));
  auto& s = n.services;
  s.sys = n.sys.get();
  s.bridges = std::make_shared<http::bridge_pool>(*n.sys, 4, n.registry);
  s.metrics = &n.metrics;
  s.ask_timeout = c.http.request_timeout;
  s.store_timeout = c.store_timeout;
  s.health = actors::spawn_health(*n.sys, n.probe, c.health, n.registry);
  s.reads = n.keep(persistence::spawn_read_store(*n.sys, n.pool, 2 * c.store_workers, n.registry));
  // Order access tokens are keyed digests of the order id: every node must hold the same key.
  auto key = c.order_token_secret.empty() ? persistence::shared_secret(n.pool, "order_links")
                                          : c.order_token_secret;
  s.order_token_key = key;
  if (c.has_role(node_role::frontdoor)) {
    s.accounts = n.keep(
      persistence::spawn_account_store(*n.sys, n.pool, c.store_workers, c.session_ttl, n.registry));
    s.sessions =
      std::make_shared<http::session_cache>(s.bridges, s.accounts, s.ask_timeout, c.session_fresh);
  }
}

/// Inventory shards (loaded from their store) and the catalog over them.
void spawn_inventory(node& n) {
  auto& c = n.c;
  auto store = n.keep(persistence::spawn_inventory_store(*n.sys, n.pool, n.effects, n.registry));
  auto catalog_store = n.keep(persistence::spawn_catalog_store(*n.sys, n.pool, n.registry));
  for (uint32_t shard = 0; shard < c.inventory.shards; ++shard) {
    auto snap =
      n.ask<protocol::shard_snapshot>(store, protocol::load_atom_v, shard, c.inventory.shards);
    n.services.shards.push_back(actors::spawn_inventory_shard(
      *n.sys, shard, std::move(snap), store, c.inventory, n.registry, n.metrics.registry()));
  }
  auto products = n.ask<std::vector<domain::product>>(catalog_store, protocol::load_atom_v);
  log::info("node.loaded").kv("products", products.size()).kv("shards", c.inventory.shards);
  n.services.catalog = actors::spawn_catalog(*n.sys, std::move(products), catalog_store,
                                             n.services.shards, c.catalog, n.registry);
}

void spawn_payment(node& n) {
  auto store = n.keep(
    persistence::spawn_payment_store(*n.sys, n.pool, n.effects, n.c.store_workers, n.registry));
  n.services.payments =
    n.keep(actors::spawn_payments(*n.sys, store, n.c.payment, n.registry, n.metrics.registry()));
}

void spawn_shipping(node& n) {
  auto store = n.keep(
    persistence::spawn_shipping_store(*n.sys, n.pool, n.effects, n.c.store_workers, n.registry));
  n.services.shipping =
    n.keep(actors::spawn_shipping(*n.sys, store, n.c.shipping, n.registry, n.metrics.registry()));
}

/// The order store; the router follows in connect(), once payments and shipping are found.
void spawn_orders(node& n) {
  n.order_store = n.keep(persistence::spawn_order_store(*n.sys, n.journal, n.registry));
  n.order_metrics = std::make_unique<actors::order_metrics>(n.metrics.registry());
}

/// The outbox dispatcher and its SMTP workers; without an SMTP URL mail waits in the outbox.
void spawn_notification(node& n) {
  auto& c = n.c;
  if (c.smtp.url.empty()) {
    log::warn("mail.disabled").kv("reason", "no --smtp-url; notifications stay QUEUED");
    return;
  }
  mail::init_transport();
  std::vector<protocol::mailer_actor> mailers;
  for (size_t i = 0; i < c.smtp_concurrency; ++i)
    mailers.push_back(n.keep(mail::spawn_mailer(*n.sys, c.smtp, n.registry)));
  auto store = n.keep(persistence::spawn_outbox_store(*n.sys, n.pool, 1, n.registry));
  n.keep(actors::spawn_notification(*n.sys, store, std::move(mailers), c.notifications,
                                    n.metrics.registry(), n.registry));
  log::info("mail.enabled")
    .kv("smtp", redact_url(c.smtp.url))
    .kv("concurrency", c.smtp_concurrency)
    .kv("max_attempts", c.notifications.retry.max_attempts);
}

namespace {

/// A role this node lacks, through a proxy that finds it again when its node dies or restarts.
caf::actor remote(node& n, node_role role) {
  log::info("cluster.resolving").kv("role", domain::to_string(role));
  return n.keep(cluster::spawn_role_proxy(
    *n.sys, role, cluster::resolve_role(*n.sys, role, n.c.cluster), n.c.cluster));
}

std::map<node_role, caf::actor> published(const node& n) {
  std::map<node_role, caf::actor> out;
  auto& s = n.services;
  if (n.c.has_role(node_role::payment))
    out.emplace(node_role::payment, caf::actor_cast<caf::actor>(s.payments));
  if (n.c.has_role(node_role::shipping))
    out.emplace(node_role::shipping, caf::actor_cast<caf::actor>(s.shipping));
  if (n.c.has_role(node_role::orders))
    out.emplace(node_role::orders, caf::actor_cast<caf::actor>(s.orders));
  return out;
}

} // namespace

/// A node with orders resolves before it publishes; one without publishes first: two nodes
/// starting together never wait on each other.
void connect(node& n) {
  auto& c = n.c;
  auto& s = n.services;
  if (c.has_role(node_role::orders)) {
    if (!s.payments)
      s.payments = caf::actor_cast<protocol::payment_actor>(remote(n, node_role::payment));
    if (!s.shipping)
      s.shipping = caf::actor_cast<protocol::shipping_actor>(remote(n, node_role::shipping));
    actors::order_peers peers{n.order_store,         s.shards,   s.payments, s.shipping,
                              n.order_metrics.get(), &n.registry};
    auto options = c.orders;
    options.link_key = s.order_token_key; // links in mails open the order for a guest
    s.orders = n.keep(actors::spawn_order_router(*n.sys, s.reads, peers, options));
  }
  if (c.cluster.port != 0)
    n.directory = n.keep(cluster::publish_directory(*n.sys, published(n), c.cluster));
  if (s.shipping && c.has_role(node_role::shipping)) {
    auto orders = s.orders ? caf::actor_cast<caf::actor>(s.orders) : remote(n, node_role::orders);
    caf::anon_send(s.shipping, protocol::track_atom_v,
                   caf::actor_cast<protocol::order_router_actor>(orders));
  }
}

std::vector<http::route> routes(const node& n) {
  auto all = http::ops_routes(n.services);
  auto add = [&](std::vector<http::route> more) {
    for (auto& r : more)
      all.push_back(std::move(r));
  };
  if (n.c.has_role(node_role::frontdoor)) {
    add(http::catalog_routes(n.services));
    add(http::order_routes(n.services));
    add(http::account_routes(n.services));
  }
  if (n.services.payments && n.services.shipping)
    add(http::fulfilment_routes(n.services));
  return all;
}

void resume_orders(node& n) {
  if (!n.services.orders)
    return;
  auto ids = n.ask<std::vector<std::string>>(n.services.reads, protocol::unsettled_atom_v);
  log::info("orders.recovering").kv("count", ids.size());
  if (!ids.empty())
    caf::anon_send(n.services.orders, protocol::resume_atom_v, std::move(ids));
}

} // namespace agora::runtime
