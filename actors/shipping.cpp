#include "actors/shipping.hpp"

#include "actors/protocol/cluster.hpp"
#include "actors/service_metrics.hpp"
#include "actors/store_call.hpp"
#include "runtime/base/actor_registry.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"
#include "runtime/base/random.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

#include <cctype>
#include <map>
#include <memory>

namespace agora::actors {

namespace {

using namespace agora::protocol;
using namespace std::chrono;

using shipping_impl =
  shipping_actor::extend<caf::reacts_to<tick_atom>, caf::reacts_to<retry_atom, shipment, int>,
                         caf::reacts_to<route_atom, shard_map>>;

/// What the shipping service counts: its operations, the statuses shipments move to (by the
/// carrier, an admin scan or a cancel) and news its orders did not take.
struct shipping_metrics {
  service_metrics operations;
  prometheus::Family<prometheus::Counter>& statuses;
  prometheus::Counter& undelivered;

  explicit shipping_metrics(prometheus::Registry& r)
    : operations(r, "shipping",
                 {{"create", "ok"},
                  {"create", "error"},
                  {"cancel", "ok"},
                  {"cancel", "error"},
                  {"advance", "ok"},
                  {"advance", "error"},
                  {"carrier_step", "ok"},
                  {"carrier_step", "error"}}),
      statuses(
        metrics::counters(r, "agora_shipment_status_changes_total",
                          "Shipments moved to a status (carrier steps, admin scans, cancels)")),
      undelivered(
        metrics::counter(r, "agora_shipping_news_undelivered_total",
                         "Shipment status news its order could not be told (it asks later)")) {
    for (auto& [status, text] : domain::shipment_status_names)
      if (status != domain::shipment_status::label_created) // no move ends there
        by_status[status] = &statuses.Add({{"status", std::string{text}}});
  }

  /// Every status's series, so a carrier step of hundreds of moves takes no family lock.
  std::map<domain::shipment_status, prometheus::Counter*> by_status;

  void moved(const shipment& s) {
    by_status.at(s.status)->Increment();
  }

  /// Counts an answered operation as ok or error; a status it produced counts as a move.
  auto observer(const char* operation, bool moves) {
    return [this, operation, moves](const shipment* s, double seconds) {
      operations.observe(operation, s ? "ok" : "error", seconds);
      if (s && moves)
        moved(*s);
    };
  }
};

struct shipping_state {
  static inline const char* name = "shipping";
  order_router_actor orders;
  milliseconds news_timeout{30000}; ///< an order told of its shipment may load its journal first
  std::shared_ptr<shipping_metrics> metrics; ///< kept here; handlers use the plain pointer
  /// The order shards whose shipments this node's carrier moves, as a PostgreSQL int array; empty
  /// (no shard map heard: one node, or no orders here) moves every shipment, taking turns.
  std::string owned;
};

using self_ptr = shipping_impl::stateful_pointer<shipping_state>;

const char* carriers[] = {"DHL", "UPS", "FedEx", "USPS"};

/// A new shipment of `order_id` in `status`: a fresh id and a tracking number of `prefix` and 16
/// upper-case hex digits.
shipment fresh(const std::string& order_id, domain::shipment_status status, const char* prefix) {
  shipment s;
  s.id = new_id("shp");
  s.order_id = order_id;
  s.status = status;
  s.tracking_number = prefix + random_hex(8);
  for (auto& c : s.tracking_number)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

shipment propose(const std::string& order_id) {
  auto s = fresh(order_id, domain::shipment_status::label_created, "1Z");
  uint8_t pick = 0;
  random_bytes(&pick, 1);
  s.carrier = carriers[pick % 4];
  return s;
}

/// What stands in for the shipment of an order cancelled before it had one: no label, no carrier.
shipment stand_in(const std::string& order_id) {
  auto s = fresh(order_id, domain::shipment_status::cancelled, "VOID");
  s.carrier = "NONE";
  return s;
}

/// Tells the shipment's order. News that cannot be delivered now (its order's shard is changing
/// hands, the owner's node is away) is sent again after a backoff (1 s doubling to 30 s, for about
/// five minutes): the order applies a status once, so a repeat is harmless, and without it an
/// order whose owner died in the meantime would wait for a delivery it was never told of.
void tell(self_ptr self, shipping_metrics* metrics, const shipment& s, int attempt = 1) {
  if (!self->state.orders)
    return;
  self
    ->request(self->state.orders, self->state.news_timeout, shipment_atom_v,
              shipment_news{s.order_id, s.id, s.status, s.tracking_number, s.carrier})
    .then([](bool) {},
          [=](caf::error& err) {
            metrics->undelivered.Increment();
            constexpr int max_attempts = 14;
            log::warn("shipping.news_undelivered")
              .kv("order_id", s.order_id)
              .kv("attempt", attempt)
              .kv("error", self->system().render(err));
            if (attempt >= max_attempts)
              return; // the order learns it when it next asks (a restart resumes it)
            auto pause = seconds{std::min(30, 1 << std::min(attempt - 1, 5))};
            self->delayed_send(self, pause, retry_atom_v, s, attempt + 1);
          });
}

/// The carrier: every moving shipment unchanged for a step moves on, and its order hears. A full
/// step is followed by the next at once; otherwise it waits `pause`.
void carrier_step(self_ptr self, const shipping_store_actor& store, shipping_metrics* metrics,
                  const shipping_options& options, milliseconds pause) {
  auto start = steady_clock::now();
  auto elapsed = [start] {
    return duration<double>(steady_clock::now() - start).count();
  };
  auto step_ms = static_cast<int64_t>(duration_cast<milliseconds>(options.step).count());
  self->request(store, options.store_timeout, step_atom_v, step_ms, self->state.owned)
    .then(
      [=](std::vector<shipment>& moved) {
        metrics->operations.observe("carrier_step", "ok", elapsed());
        for (auto& s : moved) {
          metrics->moved(s);
          tell(self, metrics, s);
        }
        if (moved.size() >= carrier_step_limit)
          self->send(self, tick_atom_v);
        else
          self->delayed_send(self, pause, tick_atom_v);
      },
      [=](caf::error& err) {
        metrics->operations.observe("carrier_step", "error", elapsed());
        log::warn("shipping.carrier_failed").kv("error", self->system().render(err));
        self->delayed_send(self, pause, tick_atom_v);
      });
}

shipping_impl::behavior_type shipping(self_ptr self, shipping_store_actor store,
                                      shipping_options options, actor_registry* registry,
                                      std::shared_ptr<shipping_metrics> counters) {
  track_sampled(self, *registry, "shipping");
  auto* metrics = counters.get();
  self->state.metrics = std::move(counters);
  self->state.news_timeout = options.store_timeout;
  if (options.follows_shards)
    self->state.owned = "{}"; // none of the cluster's shipments until it hears its shards
  if (options.step.count() > 0)
    self->send(self, tick_atom_v);
  // The carrier's wait after a step that moved less than a full batch.
  auto pause =
    options.step_pause.count() > 0
      ? options.step_pause
      : std::max(std::min<milliseconds>(duration_cast<milliseconds>(options.step) / 4, seconds{1}),
                 milliseconds{50});
  return {
    [=](track_atom, order_router_actor orders) {
      self->state.orders = std::move(orders);
    },
    [=](route_atom, const shard_map& map) {
      // A node's orders own their shards' shipments: the carrier moves those, so the news of a
      // move goes to an order on this node, and the carriers of the cluster never meet.
      std::string owned;
      for (auto& r : map.routes)
        if (r.host && r.host.node() == self->node())
          owned += (owned.empty() ? "" : ",") + std::to_string(r.shard);
      self->state.owned = "{" + owned + "}";
    },
    [=](create_atom, const std::string& order_id, const domain::address&) {
      return answer_from<shipment>(self, store, metrics->observer("create", false), create_atom_v,
                                   propose(order_id));
    },
    [=](cancel_atom, const std::string& order_id) {
      return answer_from<shipment>(self, store, metrics->observer("cancel", true), cancel_atom_v,
                                   stand_in(order_id));
    },
    [=](get_atom, const std::string& order_id) {
      return self->delegate(store, get_atom_v, order_id);
    },
    [=](advance_atom, const std::string& id) {
      // An admin scan: counted, and the order hears of the new status.
      auto observe = metrics->observer("advance", true);
      return answer_from<shipment>(
        self, store,
        [=](const shipment* s, double seconds) {
          observe(s, seconds);
          if (s)
            tell(self, metrics, *s);
        },
        advance_atom_v, id);
    },
    [=](tick_atom) {
      carrier_step(self, store, metrics, options, pause);
    },
    [=](retry_atom, const shipment& s, int attempt) {
      tell(self, metrics, s, attempt);
    },
  };
}

} // namespace

shipping_actor spawn_shipping(caf::actor_system& sys, shipping_store_actor store,
                              shipping_options options, actor_registry& registry,
                              prometheus::Registry& metrics) {
  return caf::actor_cast<shipping_actor>(
    spawn_counted(sys, shipping, std::move(store), options, &registry,
                  std::make_shared<shipping_metrics>(metrics)));
}

} // namespace agora::actors
