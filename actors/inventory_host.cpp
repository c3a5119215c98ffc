#include "actors/inventory_host.hpp"

#include "runtime/base/actor_registry.hpp"
#include "runtime/base/log.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/stateful_actor.hpp>
#include <prometheus/registry.h>

#include <deque>
#include <map>

namespace agora::actors {

namespace {

using namespace agora::protocol;
using namespace std::chrono;

struct slot {
  enum class phase { loading, live, leaving } at = phase::loading;
  uint64_t epoch = 0;
  caf::actor shard;
  std::deque<caf::mailbox_element_ptr> held; ///< commands that came while it loaded
};

struct host_state {
  static inline const char* name = "inventory.host";
  inventory_store_actor store;
  inventory_options options;
  std::vector<caf::actor> successors;
  actor_registry* registry = nullptr;
  prometheus::Registry* metrics = nullptr;
  std::map<uint32_t, slot> slots;
};

constexpr size_t max_held = 10000;

using host_actor = caf::stateful_actor<host_state>;

/// The current message's content replaced by `inner`, with its sender and request id, which the
/// host will not answer itself.
caf::mailbox_element_ptr pass_on(host_actor* self, caf::message inner) {
  auto* elem = self->current_mailbox_element();
  auto passed = caf::make_mailbox_element(std::move(elem->sender), elem->mid,
                                          std::move(elem->stages), std::move(inner));
  elem->mid.mark_as_answered();
  return passed;
}

/// `m` (a command for a shard, with its sender and request id) as a bounce from this host.
caf::mailbox_element_ptr bounce(host_actor* self, caf::mailbox_element_ptr m) {
  auto content = caf::make_message(bounce_atom_v, m->move_content_to_message(),
                                   caf::actor_cast<caf::actor>(self));
  return caf::make_mailbox_element(std::move(m->sender), m->mid, std::move(m->stages),
                                   std::move(content));
}

void load(host_actor* self, uint32_t shard, uint64_t epoch) {
  auto& st = self->state;
  self->request(st.store, st.options.store_timeout, load_atom_v, shard, st.options.shards)
    .then(
      [=](shard_snapshot& snap) {
        auto& st = self->state;
        auto i = st.slots.find(shard);
        if (i == st.slots.end() || i->second.epoch != epoch || i->second.at != slot::phase::loading)
          return; // revoked while loading
        auto& s = i->second;
        s.shard = caf::actor_cast<caf::actor>(
          spawn_inventory_shard(self->system(), shard, std::move(snap), st.store, st.options,
                                *st.registry, *st.metrics, epoch));
        self->monitor(s.shard);
        s.at = slot::phase::live;
        log::info("inventory.shard_live")
          .kv("shard", shard)
          .kv("epoch", epoch)
          .kv("held", s.held.size());
        for (auto& m : s.held)
          s.shard->enqueue(std::move(m), self->context());
        s.held.clear();
      },
      [=](caf::error& err) {
        log::warn("inventory.shard_load_failed")
          .kv("shard", shard)
          .kv("error", self->system().render(err));
        self->delayed_send(self, seconds{1}, load_atom_v, shard, epoch);
      });
}

/// Takes shard `shard` away: what it held goes to this node's proxy of it (so to the new owner);
/// the shard hands its own held commands there too once its writes have landed, or (the lease is
/// lost already) stops at once.
caf::result<bool> revoke(host_actor* self, uint32_t shard, bool handoff) {
  auto& st = self->state;
  auto i = st.slots.find(shard);
  if (i == st.slots.end())
    return true;
  auto& s = i->second;
  for (auto& m : s.held) // they go to the new owner through this node's proxy
    st.successors[shard]->enqueue(bounce(self, std::move(m)), self->context());
  s.held.clear();
  if (!handoff || !s.shard || s.at != slot::phase::live) {
    if (s.shard)
      caf::anon_send_exit(s.shard, caf::exit_reason::user_shutdown);
    st.slots.erase(i);
    return true;
  }
  s.at = slot::phase::leaving;
  auto rp = self->make_response_promise<bool>();
  self->request(s.shard, st.options.store_timeout, handoff_atom_v, st.successors[shard])
    .then(
      [=](bool) mutable {
        self->state.slots.erase(shard);
        rp.deliver(true);
      },
      [=](caf::error&) mutable {
        self->state.slots.erase(shard);
        rp.deliver(true);
      });
  return rp;
}

/// A command for `shard`, passed on to it with its sender and request id.
caf::result<caf::message> route(host_actor* self, uint32_t shard, caf::message inner) {
  auto& st = self->state;
  auto i = st.slots.find(shard);
  if (i == st.slots.end() || i->second.at == slot::phase::leaving) {
    // Not here (any more): this node's proxy of the shard holds it until the shard map names
    // the new owner, so a handoff delays a command instead of failing it.
    auto passed = pass_on(self, std::move(inner));
    st.successors[shard]->enqueue(bounce(self, std::move(passed)), self->context());
    return caf::delegated<caf::message>{};
  }
  auto& s = i->second;
  if (s.at == slot::phase::loading) {
    if (s.held.size() >= max_held)
      return caf::make_error(errc::overloaded, std::string{"inventory shard still loading"});
    s.held.push_back(pass_on(self, std::move(inner)));
  } else {
    s.shard->enqueue(pass_on(self, std::move(inner)), self->context());
  }
  return caf::delegated<caf::message>{};
}

caf::behavior host(host_actor* self, inventory_store_actor store, inventory_options options,
                   std::vector<caf::actor> successors, actor_registry* registry,
                   prometheus::Registry* metrics) {
  auto& st = self->state;
  st.store = std::move(store);
  st.options = std::move(options);
  st.successors = std::move(successors);
  st.registry = registry;
  st.metrics = metrics;
  self->set_down_handler([=](caf::down_msg& dm) {
    for (auto& [shard, s] : self->state.slots)
      if (s.shard && s.shard.address() == dm.source) {
        log::warn("inventory.shard_stopped")
          .kv("shard", shard)
          .kv("reason", self->system().render(dm.reason));
        // Still owned: loaded again in a second (a lost lease's revoke ends the slot first).
        s.shard = nullptr;
        if (s.at == slot::phase::live) {
          s.at = slot::phase::loading;
          self->delayed_send(self, seconds{1}, load_atom_v, shard, s.epoch);
        } else {
          self->state.slots.erase(shard);
        }
        return;
      }
  });
  self->set_exit_handler([=](caf::exit_msg& msg) {
    for (auto& [shard, s] : self->state.slots)
      if (s.shard)
        caf::anon_send_exit(s.shard, caf::exit_reason::user_shutdown);
    self->quit(msg.reason);
  });
  return {
    [=](grant_atom, const shard_grant& g) {
      auto& st = self->state;
      auto& s = st.slots[g.shard];
      if (s.at == slot::phase::live && s.epoch == g.epoch)
        return;
      if (s.shard)
        caf::anon_send_exit(s.shard, caf::exit_reason::user_shutdown);
      s.shard = nullptr;
      s.at = slot::phase::loading;
      s.epoch = g.epoch;
      load(self, g.shard, g.epoch);
    },
    [=](load_atom, uint32_t shard, uint64_t epoch) { // a load again, after a failure
      auto i = self->state.slots.find(shard);
      if (i != self->state.slots.end() && i->second.epoch == epoch
          && i->second.at == slot::phase::loading)
        load(self, shard, epoch);
    },
    [=](revoke_atom, const std::string&, uint32_t shard, bool handoff) {
      return revoke(self, shard, handoff);
    },
    [=](route_atom, uint32_t shard, caf::message& inner) {
      return route(self, shard, std::move(inner));
    },
  };
}

} // namespace

caf::actor spawn_inventory_host(caf::actor_system& sys, inventory_store_actor store,
                                inventory_options options, std::vector<caf::actor> successors,
                                actor_registry& registry, prometheus::Registry& metrics) {
  return spawn_counted(sys, host, std::move(store), std::move(options), std::move(successors),
                       &registry, &metrics);
}

} // namespace agora::actors
