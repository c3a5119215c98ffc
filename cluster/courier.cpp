#include "cluster/courier.hpp"

#include "actors/protocol/inventory.hpp"
#include "runtime/base/actor_registry.hpp"
#include "runtime/base/metrics.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <map>
#include <set>
#include <unordered_map>
#include <vector>

namespace agora::cluster {

namespace {

using namespace agora::protocol;

struct waiting {
  caf::response_promise promise;
  caf::actor_addr host;
};

struct courier_state {
  static inline const char* name = "cluster.courier";
  courier_options options;
  uint64_t next_id = 1;
  std::unordered_map<uint64_t, waiting> answers;           ///< by carried_command::id
  std::map<caf::actor, std::vector<carried_command>> bags; ///< being filled, by host
  std::set<caf::actor_addr> watched;                       ///< hosts monitored
  prometheus::Counter* bags_sent = nullptr;
  prometheus::Counter* carried = nullptr;
};

using courier_actor = caf::stateful_actor<courier_state>;

void send_bag(courier_actor* self, const caf::actor& host) {
  auto& st = self->state;
  auto i = st.bags.find(host);
  if (i == st.bags.end())
    return;
  if (st.watched.insert(host.address()).second)
    self->monitor(host);
  st.bags_sent->Increment();
  st.carried->Increment(static_cast<double>(i->second.size()));
  self->send(host, bag_atom_v, std::move(i->second));
  st.bags.erase(i);
}

/// The host is gone: what it was to answer fails now, so requesters try again elsewhere instead
/// of waiting for their deadlines.
void host_down(courier_actor* self, const caf::actor_addr& host) {
  auto& st = self->state;
  st.watched.erase(host);
  for (auto i = st.bags.begin(); i != st.bags.end();)
    i = i->first.address() == host ? st.bags.erase(i) : std::next(i);
  for (auto i = st.answers.begin(); i != st.answers.end();) {
    if (i->second.host != host) {
      ++i;
      continue;
    }
    i->second.promise.deliver(
      caf::make_error(errc::unavailable, std::string{"the node owning the shard went away"}));
    i = st.answers.erase(i);
  }
}

caf::behavior courier(courier_actor* self, courier_options options, prometheus::Registry* metrics,
                      actor_registry* registry) {
  auto& st = self->state;
  st.options = options;
  st.bags_sent = &metrics::counter(*metrics, "agora_cluster_stock_bags_total",
                                   "Messages that carried stock commands to other nodes' shards");
  st.carried = &metrics::counter(*metrics, "agora_cluster_stock_commands_carried_total",
                                 "Stock commands carried to other nodes' shards in bags");
  track_sampled(self, *registry, "cluster.courier");
  self->set_down_handler([=](caf::down_msg& dm) {
    host_down(self, dm.source);
  });
  return {
    [=](carry_atom, caf::actor& host, uint32_t shard,
        caf::message& command) -> caf::result<caf::message> {
      auto& st = self->state;
      auto id = st.next_id++;
      st.answers.emplace(id, waiting{self->make_response_promise(), host.address()});
      auto& bag = st.bags[host];
      bag.push_back(carried_command{id, shard, std::move(command)});
      if (bag.size() >= st.options.max_bag)
        send_bag(self, host);
      else if (bag.size() == 1)
        self->delayed_send(self, st.options.window, flush_atom_v, host);
      return caf::delegated<caf::message>{};
    },
    [=](flush_atom, const caf::actor& host) {
      send_bag(self, host);
    },
    [=](bag_atom, std::vector<carried_answer>& answers) {
      auto& st = self->state;
      for (auto& a : answers) {
        auto i = st.answers.find(a.id);
        if (i == st.answers.end())
          continue; // failed already: its host was reported down
        if (a.error)
          i->second.promise.deliver(std::move(a.error));
        else
          i->second.promise.deliver(std::move(a.reply));
        st.answers.erase(i);
      }
    },
  };
}

} // namespace

caf::actor spawn_courier(caf::actor_system& sys, courier_options options,
                         prometheus::Registry& metrics, actor_registry& registry) {
  return sys.spawn(courier, options, &metrics, &registry);
}

} // namespace agora::cluster
