#include "actors/shipping.hpp"

#include "runtime/base/actor_registry.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/random.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <cctype>

namespace agora::actors {

namespace {

using namespace agora::protocol;
using namespace std::chrono;

using shipping_impl = shipping_actor::extend<caf::reacts_to<tick_atom>>;

struct shipping_state {
  static inline const char* name = "shipping";
  order_router_actor orders;
};

using self_ptr = shipping_impl::stateful_pointer<shipping_state>;

const char* carriers[] = {"DHL", "UPS", "FedEx", "USPS"};

shipment propose(const std::string& order_id) {
  shipment s;
  s.id = new_id("shp");
  s.order_id = order_id;
  s.status = "LABEL_CREATED";
  auto digits = random_hex(8);
  uint8_t pick = 0;
  random_bytes(&pick, 1);
  s.carrier = carriers[pick % 4];
  s.tracking_number = "1Z" + digits;
  for (auto& c : s.tracking_number)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

/// Tells the shipment's order; an order that cannot be told now learns it when it next asks.
void tell(self_ptr self, const shipment& s) {
  if (!self->state.orders)
    return;
  self
    ->request(self->state.orders, seconds{30}, shipment_atom_v,
              shipment_news{s.order_id, s.id, s.status, s.tracking_number, s.carrier})
    .then([](bool) {},
          [=](caf::error& err) {
            log::warn("shipping.news_undelivered")
              .kv("order_id", s.order_id)
              .kv("error", self->system().render(err));
          });
}

/// Forwards to the store and tells the order when the status changed.
caf::result<shipment> changed(self_ptr self, caf::typed_response_promise<shipment> rp,
                              const shipping_store_actor& store, milliseconds timeout, advance_atom,
                              const std::string& id) {
  self->request(store, timeout, advance_atom_v, id)
    .then(
      [=](shipment& s) mutable {
        tell(self, s);
        rp.deliver(s);
      },
      [=](caf::error& err) mutable {
        rp.deliver(err);
      });
  return rp;
}

shipping_impl::behavior_type shipping(self_ptr self, shipping_store_actor store,
                                      shipping_options options, actor_registry* registry) {
  track_sampled(self, *registry, "shipping");
  if (options.step.count() > 0)
    self->send(self, tick_atom_v);
  auto timeout = options.store_timeout;
  return {
    [=](track_atom, order_router_actor orders) {
      self->state.orders = std::move(orders);
    },
    [=](create_atom, const std::string& order_id, const domain::address&) {
      return self->delegate(store, create_atom_v, propose(order_id));
    },
    [=](cancel_atom, const std::string& order_id) {
      return self->delegate(store, cancel_atom_v, order_id);
    },
    [=](get_atom, const std::string& order_id) {
      return self->delegate(store, get_atom_v, order_id);
    },
    [=](advance_atom, const std::string& id) {
      return changed(self, self->make_response_promise<shipment>(), store, timeout, advance_atom_v,
                     id);
    },
    [=](tick_atom) {
      // The carrier: every moving shipment unchanged for a step moves on, and its order hears.
      auto step_ms = duration_cast<milliseconds>(options.step).count();
      self->request(store, timeout, step_atom_v, static_cast<int64_t>(step_ms))
        .then(
          [=](std::vector<shipment>& moved) {
            for (auto& s : moved)
              tell(self, s);
          },
          [=](caf::error& err) {
            log::warn("shipping.carrier_failed").kv("error", self->system().render(err));
          });
      auto pause =
        std::min<milliseconds>(duration_cast<milliseconds>(options.step) / 4, seconds{1});
      self->delayed_send(self, std::max(pause, milliseconds{50}), tick_atom_v);
    },
  };
}

} // namespace

shipping_actor spawn_shipping(caf::actor_system& sys, shipping_store_actor store,
                              shipping_options options, actor_registry& registry) {
  return caf::actor_cast<shipping_actor>(sys.spawn(shipping, std::move(store), options, &registry));
}

} // namespace agora::actors
