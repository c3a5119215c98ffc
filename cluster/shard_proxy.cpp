#include "cluster/shard_proxy.hpp"

#include "actors/protocol/cluster.hpp"
#include "actors/protocol/inventory.hpp"
#include "runtime/base/log.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/stateful_actor.hpp>

#include <deque>

namespace agora::cluster {

namespace {

using namespace agora::protocol;

struct proxy_state {
  static inline const char* name = "cluster.shard_proxy";
  std::string kind;
  uint32_t shard = 0;
  caf::actor host;    ///< the owner's host of the kind; empty while unknown
  caf::actor courier; ///< carries stock commands to a host on another node; empty: none
  std::deque<caf::mailbox_element_ptr> held;
  /// Commands a host bounced (it does not own the shard, or no longer): held until the next map.
  std::deque<caf::mailbox_element_ptr> bounced;
};

constexpr size_t max_held = 10000;

using proxy_actor = caf::stateful_actor<proxy_state>;

/// Sends `m` (route, shard, command; with its requester and request id) to the owner's host: a
/// stock command for a host on another node by way of this node's courier, in a bag.
void pass(proxy_actor* self, caf::mailbox_element_ptr m) {
  auto& st = self->state;
  auto& command = m->content().get_as<caf::message>(2);
  if (st.courier && st.host.node() != self->node() && is_stock_command(command)) {
    auto carried = caf::make_message(carry_atom_v, st.host, st.shard, command);
    st.courier->enqueue(caf::make_mailbox_element(std::move(m->sender), m->mid,
                                                  std::move(m->stages), std::move(carried)),
                        self->context());
    return;
  }
  st.host->enqueue(std::move(m), self->context());
}

caf::behavior proxy(proxy_actor* self, std::string kind, uint32_t shard, caf::actor courier) {
  auto& st = self->state;
  st.kind = std::move(kind);
  st.shard = shard;
  st.courier = std::move(courier);
  // The owner's host can go away (its node died, or a duplicate connection was closed): hold
  // what comes until the next map names a live one.
  self->set_down_handler([=](caf::down_msg& dm) {
    if (self->state.host && self->state.host.address() == dm.source)
      self->state.host = nullptr;
  });
  self->set_default_handler(
    [=](caf::scheduled_actor*, caf::message_view& x) -> caf::result<caf::message> {
      auto& st = self->state;
      if (!st.host && st.held.size() >= max_held)
        return caf::make_error(errc::unavailable,
                               "no node owns " + st.kind + " shard " + std::to_string(st.shard));
      auto* elem = self->current_mailbox_element();
      auto wrapped = caf::make_message(route_atom_v, st.shard, x.move_content_to_message());
      auto passed = caf::make_mailbox_element(std::move(elem->sender), elem->mid,
                                              std::move(elem->stages), std::move(wrapped));
      elem->mid.mark_as_answered();
      if (st.host)
        pass(self, std::move(passed));
      else
        st.held.push_back(std::move(passed));
      return caf::delegated<caf::message>{};
    });
  return {
    [=](route_atom, const shard_map& map) {
      auto& st = self->state;
      if (map.kind != st.kind || st.shard >= map.routes.size())
        return;
      st.host = map.routes[st.shard].host;
      if (st.host)
        self->monitor(st.host);
      for (auto& m : st.bounced) // the map changed: they try the owner it names now
        st.held.push_back(std::move(m));
      st.bounced.clear();
      if (!st.host)
        return;
      for (auto& m : st.held)
        pass(self, std::move(m));
      st.held.clear();
    },
    [=](bounce_atom, caf::message& inner, const caf::actor&) -> caf::result<caf::message> {
      auto& st = self->state;
      if (st.bounced.size() + st.held.size() >= max_held)
        return caf::make_error(errc::unavailable,
                               "no node owns " + st.kind + " shard " + std::to_string(st.shard));
      auto* elem = self->current_mailbox_element();
      auto wrapped = caf::make_message(route_atom_v, st.shard, std::move(inner));
      st.bounced.push_back(caf::make_mailbox_element(std::move(elem->sender), elem->mid,
                                                     std::move(elem->stages), std::move(wrapped)));
      elem->mid.mark_as_answered();
      return caf::delegated<caf::message>{};
    },
  };
}

} // namespace

caf::actor spawn_shard_proxy(caf::actor_system& sys, std::string kind, uint32_t shard,
                             caf::actor courier) {
  return sys.spawn(proxy, std::move(kind), shard, std::move(courier));
}

} // namespace agora::cluster
