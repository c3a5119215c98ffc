#include "actors/catalog.hpp"
#include "actors/health.hpp"
#include "actors/inventory.hpp"
#include "actors/inventory_host.hpp"
#include "actors/notification.hpp"
#include "actors/order_router.hpp"
#include "actors/payment.hpp"
#include "actors/shipping.hpp"
#include "cluster/courier.hpp"
#include "cluster/directory.hpp"
#include "cluster/introspection.hpp"
#include "cluster/lease_keeper.hpp"
#include "cluster/order_routing.hpp"
#include "cluster/role_proxy.hpp"
#include "cluster/shard_proxy.hpp"
#include "http/account_routes.hpp"
#include "http/admin_routes.hpp"
#include "http/catalog_routes.hpp"
#include "http/cluster_routes.hpp"
#include "http/ops_routes.hpp"
#include "http/order_routes.hpp"
#include "http/page_routes.hpp"
#include "http/session_cache.hpp"
#include "persistence/account_store.hpp"
#include "persistence/catalog_store.hpp"
#include "persistence/inventory_store.hpp"
#include "persistence/lease_store.hpp"
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
  n.leases = n.keep(persistence::spawn_lease_store(*n.sys, n.pool, n.registry));
  auto& s = n.services;
  s.sys = n.sys.get();
  // Every node reaches inventory shards through proxies that follow the shards' owners; stock
  // commands for shards on other nodes travel in bags.
  caf::actor courier;
  if (c.cluster.batch.count() > 0)
    courier =
      n.keep(cluster::spawn_courier(*n.sys, {c.cluster.batch}, n.metrics.registry(), n.registry));
  for (uint32_t shard = 0; shard < c.inventory.shards; ++shard)
    s.shards.push_back(caf::actor_cast<protocol::inventory_actor>(n.keep(
      cluster::spawn_shard_proxy(*n.sys, std::string{protocol::inventory_kind}, shard, courier))));
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

/// The inventory host (the shards its keeper grants) and the catalog over the node's shard
/// proxies.
void spawn_inventory(node& n) {
  auto& c = n.c;
  auto store = n.keep(persistence::spawn_inventory_store(*n.sys, n.pool, n.effects, n.registry));
  auto catalog_store = n.keep(persistence::spawn_catalog_store(*n.sys, n.pool, n.registry));
  std::vector<caf::actor> successors;
  for (auto& proxy : n.services.shards)
    successors.push_back(caf::actor_cast<caf::actor>(proxy));
  auto options = c.inventory;
  options.bag_window = c.cluster.batch;
  n.inventory_host = n.keep(actors::spawn_inventory_host(
    *n.sys, store, options, std::move(successors), n.registry, n.metrics.registry()));
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
  auto store = n.keep(persistence::spawn_shipping_store(
    *n.sys, n.pool, n.effects, n.c.store_workers, n.registry, n.c.orders.shards));
  auto options = n.c.shipping;
  // start_keeper() makes it a listener of the orders kind's shard maps.
  options.follows_shards = n.c.has_role(node_role::orders);
  n.services.shipping =
    n.keep(actors::spawn_shipping(*n.sys, store, options, n.registry, n.metrics.registry()));
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
  auto proxy = n.keep(cluster::spawn_role_proxy(
    *n.sys, role, cluster::resolve_role(*n.sys, role, n.transport), n.transport));
  n.role_proxies.push_back(proxy);
  return proxy;
}

std::map<node_role, caf::actor> published(const node& n) {
  std::map<node_role, caf::actor> out;
  auto& s = n.services;
  if (n.c.has_role(node_role::payment))
    out.emplace(node_role::payment, caf::actor_cast<caf::actor>(s.payments));
  if (n.c.has_role(node_role::shipping))
    out.emplace(node_role::shipping, caf::actor_cast<caf::actor>(s.shipping));
  if (n.order_host)
    out.emplace(node_role::orders, caf::actor_cast<caf::actor>(n.order_host));
  if (n.inventory_host)
    out.emplace(node_role::inventory, n.inventory_host);
  return out;
}

} // namespace

/// Joins the members table (a new incarnation): first thing in connect(), so the seeds' directories
/// know this node as a member when it asks them for the roles it lacks.
void join(node& n) {
  auto& c = n.c;
  protocol::member me;
  me.id = c.node_id;
  me.http_address = c.http.address + ":" + std::to_string(c.http.port);
  me.cluster_host = c.cluster.address;
  me.cluster_port = c.cluster.port;
  me.roles = domain::names(c.roles);
  std::vector<protocol::lease> kinds{
    {std::string{protocol::orders_kind}, c.orders.shards, {}, 0, 0, 0},
    {std::string{protocol::inventory_kind}, c.inventory.shards, {}, 0, 0, 0}};
  me.incarnation = n.ask<int64_t>(n.leases, protocol::join_atom_v, me, kinds);
  n.me = me;
  n.transport = c.cluster;
  n.transport.member = me.id;
  n.transport.incarnation = me.incarnation;
}

/// Starts the lease keeper over this node's hosts.
void start_keeper(node& n) {
  auto& c = n.c;
  std::vector<cluster::leased_kind> leased(2);
  leased[0].kind = protocol::orders_kind;
  leased[0].shards = c.orders.shards;
  leased[0].role = node_role::orders;
  leased[0].host = caf::actor_cast<protocol::shard_host_actor>(n.order_host);
  leased[0].listeners.push_back(caf::actor_cast<protocol::shard_map_listener>(n.order_routing));
  // This node's carrier moves the shipments of the orders it owns (shipping here, and orders).
  if (c.has_role(node_role::shipping) && c.has_role(node_role::orders))
    leased[0].listeners.push_back(
      caf::actor_cast<protocol::shard_map_listener>(n.services.shipping));
  leased[1].kind = protocol::inventory_kind;
  leased[1].shards = c.inventory.shards;
  leased[1].role = node_role::inventory;
  leased[1].host = caf::actor_cast<protocol::shard_host_actor>(n.inventory_host);
  for (auto& proxy : n.services.shards)
    leased[1].listeners.push_back(caf::actor_cast<protocol::shard_map_listener>(proxy));
  cluster::keeper_options options;
  options.tick = c.cluster.heartbeat;
  options.lease_ttl = c.cluster.lease_ttl;
  options.member_ttl = c.cluster.timeout;
  options.transport = n.transport;
  options.directory = caf::actor_cast<caf::actor>(n.directory);
  std::vector<caf::actor> watchers{caf::actor_cast<caf::actor>(n.services.health),
                                   caf::actor_cast<caf::actor>(n.order_routing)};
  n.keeper = n.keep(cluster::spawn_lease_keeper(*n.sys, n.leases, n.me, std::move(leased), options,
                                                n.cluster_metrics, std::move(watchers)));
  n.services.keeper = n.keeper;
  cluster::introspection_options looking;
  looking.member = n.me.id;
  looking.incarnation = n.me.incarnation;
  n.services.introspector =
    n.keep(cluster::spawn_introspector(*n.sys, n.registry, n.keeper, looking));
  if (n.directory)
    cluster::watch_members(n.directory, n.keeper);
  for (auto& proxy : n.role_proxies) // seeds were the bootstrap: members are the truth from now
    cluster::watch_members(proxy, n.keeper);
}

/// A node with orders resolves before it publishes; one without publishes first: two nodes
/// starting together never wait on each other.
void connect(node& n) {
  auto& c = n.c;
  auto& s = n.services;
  join(n);
  n.cluster_metrics = std::make_shared<cluster::cluster_metrics>(n.metrics.registry());
  n.order_routing =
    n.keep(cluster::spawn_order_routing(*n.sys, c.orders.shards, n.cluster_metrics));
  if (c.has_role(node_role::orders)) {
    if (!s.payments)
      s.payments = caf::actor_cast<protocol::payment_actor>(remote(n, node_role::payment));
    if (!s.shipping)
      s.shipping = caf::actor_cast<protocol::shipping_actor>(remote(n, node_role::shipping));
    actors::order_peers peers{n.order_store,
                              s.shards,
                              s.payments,
                              s.shipping,
                              n.order_metrics.get(),
                              &n.registry,
                              caf::actor_cast<protocol::order_router_actor>(n.order_routing)};
    auto options = c.orders;
    options.link_key = s.order_token_key; // links in mails open the order for a guest
    n.order_host = n.keep(actors::spawn_order_router(*n.sys, s.reads, peers, options));
  }
  // The door and shipping reach every order through the cluster's router.
  s.orders = caf::actor_cast<protocol::order_router_actor>(n.order_routing);
  if (c.cluster.port != 0) {
    n.directory = n.keep(cluster::publish_directory(*n.sys, published(n), n.registry, n.transport));
    n.cluster_port = c.cluster.port;
  }
  start_keeper(n);
  if (s.shipping && c.has_role(node_role::shipping))
    caf::anon_send(s.shipping, protocol::track_atom_v, s.orders);
}

std::vector<http::route> routes(const node& n) {
  auto all = http::ops_routes(n.services);
  auto add = [&](std::vector<http::route> more) {
    for (auto& r : more)
      all.push_back(std::move(r));
  };
  add(http::cluster_routes(n.services));
  add(http::admin_routes(n.services));
  add(http::page_routes());
  if (n.c.has_role(node_role::frontdoor)) {
    add(http::catalog_routes(n.services));
    add(http::order_routes(n.services));
    add(http::account_routes(n.services));
  }
  if (n.services.payments && n.services.shipping)
    add(http::fulfilment_routes(n.services));
  return all;
}

} // namespace agora::runtime
