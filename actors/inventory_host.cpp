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

/// The answers owed to one other node's courier for the bags it sent.
struct answers_owed {
  std::vector<carried_answer> ready;
  size_t open = 0;        ///< commands not answered yet
  bool flush_due = false; ///< a flush of `ready` is on its way
};

struct host_state {
  static inline const char* name = "inventory.host";
  inventory_store_actor store;
  inventory_options options;
  std::vector<caf::actor> successors;
  actor_registry* registry = nullptr;
  prometheus::Registry* metrics = nullptr;
  std::map<uint32_t, slot> slots;
  std::map<caf::actor, answers_owed> couriers;
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

/// Sends `courier` the answers ready for it; forgets it once nothing more is owed.
void send_answers(host_actor* self, const caf::actor& courier) {
  auto i = self->state.couriers.find(courier);
  if (i == self->state.couriers.end())
    return;
  auto& owed = i->second;
  if (!owed.ready.empty())
    self->send(courier, bag_atom_v, std::move(owed.ready));
  owed.ready.clear();
  owed.flush_due = false;
  if (owed.open == 0)
    self->state.couriers.erase(i);
}

void answer(host_actor* self, const caf::actor& courier, carried_answer a) {
  auto& owed = self->state.couriers[courier];
  owed.ready.push_back(std::move(a));
  --owed.open;
  if (owed.open == 0) {
    send_answers(self, courier);
  } else if (!owed.flush_due) {
    owed.flush_due = true;
    self->delayed_send(self, self->state.options.bag_window, flush_atom_v, courier);
  }
}

/// Asks `to` for command `c` and owes `courier` the answer, a `Reply` or an error.
template <class Reply>
void ask_for(host_actor* self, const caf::actor& to, const caf::actor& courier, carried_command c) {
  auto id = c.id;
  self->request(to, caf::infinite, std::move(c.command))
    .then(
      [=](Reply& r) {
        answer(self, courier, carried_answer{id, caf::make_message(std::move(r)), {}});
      },
      [=](caf::error& err) {
        answer(self, courier, carried_answer{id, {}, std::move(err)});
      });
}

/// One command of another node's bag: straight to its shard when it is live here, else through
/// this node's proxy of it (which holds it while the shard loads, or passes it to the shard's new
/// owner), as if it came one by one.
void perform(host_actor* self, const caf::actor& courier, carried_command c) {
  auto& st = self->state;
  if (c.shard >= st.successors.size() || !is_stock_command(c.command))
    return answer(self, courier,
                  carried_answer{c.id,
                                 {},
                                 caf::make_error(errc::invalid_argument,
                                                 std::string{"not a stock command of a shard"})});
  auto here = st.slots.find(c.shard);
  auto to = here != st.slots.end() && here->second.at == slot::phase::live ? here->second.shard
                                                                           : st.successors[c.shard];
  if (c.command.match_element<reserve_atom>(0))
    ask_for<reserve_reply>(self, to, courier, std::move(c));
  else // release and commit answer whether they were done
    ask_for<bool>(self, to, courier, std::move(c));
}

/// A shard that stops while still owned loads again in a second; the host's exit ends its shards.
void watch_shards(host_actor* self) {
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
  watch_shards(self);
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
    [=](bag_atom, std::vector<carried_command>& bag) {
      auto courier = caf::actor_cast<caf::actor>(self->current_sender());
      if (!courier)
        return;
      self->state.couriers[courier].open += bag.size();
      for (auto& c : bag)
        perform(self, courier, std::move(c));
    },
    [=](flush_atom, const caf::actor& courier) {
      send_answers(self, courier);
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
