#include "cluster/introspection.hpp"

#include "runtime/base/actor_registry.hpp"
#include "runtime/base/clock.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <algorithm>
#include <map>
#include <memory>

namespace agora::cluster {

namespace {

using namespace agora::protocol;

/// `q.sort`'s order: largest mailbox or count first; node and id break ties and order "id".
bool before(const actor_info& a, const actor_info& b, const std::string& sort) {
  if (sort == "mailbox" && a.mailbox != b.mailbox)
    return a.mailbox > b.mailbox;
  if (sort == "messages" && a.messages != b.messages)
    return a.messages > b.messages;
  return std::tie(a.node, a.id) < std::tie(b.node, b.id);
}

void sort_and_cut(std::vector<actor_info>& items, const actor_query& q, size_t keep) {
  auto by = [&q](const actor_info& a, const actor_info& b) {
    return before(a, b, q.sort);
  };
  if (keep < items.size()) {
    std::partial_sort(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(keep), items.end(),
                      by);
    items.resize(keep);
  } else {
    std::sort(items.begin(), items.end(), by);
  }
}

size_t wanted(const actor_query& q) {
  return static_cast<size_t>(std::max(0, q.offset)) + static_cast<size_t>(std::max(0, q.limit));
}

actor_info info_of(const actor_entry& e) {
  actor_info a;
  a.node = e.node;
  a.id = e.id;
  a.type = e.type;
  a.key = e.key;
  a.mailbox = static_cast<int64_t>(e.stats ? e.stats->mailbox.load() : e.mailbox);
  a.messages = e.stats ? static_cast<int64_t>(e.stats->messages.load()) : 0;
  a.state = e.stats ? e.stats->state() : std::string{};
  a.since_ms =
    std::chrono::duration_cast<std::chrono::milliseconds>(e.since.time_since_epoch()).count();
  return a;
}

bool matches(const actor_entry& e, const actor_query& q) {
  if (!q.type.empty() && e.type != q.type)
    return false;
  if (q.q.empty())
    return true;
  return e.type.find(q.q) != std::string::npos || e.key.find(q.q) != std::string::npos
         || std::to_string(e.id) == q.q;
}

struct introspector_state {
  static inline const char* name = "cluster.introspector";
  actor_registry* registry = nullptr;
  lease_keeper_actor keeper;
  introspection_options options;
};

using self_ptr = introspector_actor::stateful_pointer<introspector_state>;
using peer_list = std::pair<std::vector<std::string>, std::vector<caf::actor>>;

/// Asks the keeper which members are live and how to reach them, then runs `then(peers)`.
template <class Promise, class F>
void with_peers(self_ptr self, Promise rp, F then) {
  self->request(self->state.keeper, self->state.options.deadline, peers_atom_v)
    .then(
      [=](std::vector<std::string>& ids, std::vector<caf::actor>& directories) mutable {
        then(rp, peer_list{std::move(ids), std::move(directories)});
      },
      [=](caf::error& err) mutable {
        rp.deliver(std::move(err));
      });
}

struct listing_progress {
  std::vector<actor_listing> parts;
  std::vector<std::string> missing;
  size_t left = 0;
};

caf::result<actor_listing> list_actors(self_ptr self, const actor_query& q) {
  auto& st = self->state;
  auto local = local_actors(*st.registry, q);
  auto rp = self->make_response_promise<actor_listing>();
  with_peers(self, rp, [=](auto& rp, peer_list peers) mutable {
    auto p = std::make_shared<listing_progress>();
    p->parts.push_back(std::move(local));
    auto finish = [p, q, rp]() mutable {
      auto out = merge_listings(std::move(p->parts), q);
      for (auto& m : p->missing)
        out.missing.push_back(m);
      std::sort(out.missing.begin(), out.missing.end());
      rp.deliver(std::move(out));
    };
    std::vector<std::pair<std::string, caf::actor>> asked;
    for (size_t i = 0; i < peers.first.size(); ++i) {
      if (!q.node.empty() && q.node != peers.first[i])
        continue;
      if (!peers.second[i])
        p->missing.push_back(peers.first[i]); // live, but no connection to it is up
      else
        asked.emplace_back(peers.first[i], peers.second[i]);
    }
    p->left = asked.size();
    if (p->left == 0)
      return finish();
    auto& st = self->state;
    for (auto& [member, directory] : asked)
      self
        ->request(caf::actor_cast<directory_actor>(directory), st.options.deadline, actors_atom_v,
                  q, st.options.member, st.options.incarnation)
        .then(
          [=](actor_listing& part) mutable {
            p->parts.push_back(std::move(part));
            if (--p->left == 0)
              finish();
          },
          [=, member = member](caf::error&) mutable {
            p->missing.push_back(member);
            if (--p->left == 0)
              finish();
          });
  });
  return rp;
}

caf::result<actor_detail> show_actor(self_ptr self, const std::string& node, uint64_t id) {
  auto& st = self->state;
  if (node == st.registry->node()) {
    if (auto found = local_actor(*st.registry, id))
      return std::move(*found);
    return caf::make_error(errc::not_found, "no live actor " + std::to_string(id) + " on " + node);
  }
  auto rp = self->make_response_promise<actor_detail>();
  with_peers(self, rp, [=](auto& rp, peer_list peers) mutable {
    auto i = std::find(peers.first.begin(), peers.first.end(), node);
    if (i == peers.first.end()) {
      rp.deliver(caf::make_error(errc::not_found, "no live member " + node));
      return;
    }
    auto& directory = peers.second[static_cast<size_t>(i - peers.first.begin())];
    if (!directory) {
      rp.deliver(caf::make_error(errc::unavailable, "no connection to " + node + " is up"));
      return;
    }
    auto& st = self->state;
    self
      ->request(caf::actor_cast<directory_actor>(directory), st.options.deadline, actor_atom_v, id,
                st.options.member, st.options.incarnation)
      .then(
        [=](actor_detail& d) mutable {
          rp.deliver(std::move(d));
        },
        [=](caf::error& err) mutable {
          rp.deliver(std::move(err));
        });
  });
  return rp;
}

introspector_actor::behavior_type introspector(self_ptr self, actor_registry* registry,
                                               lease_keeper_actor keeper,
                                               introspection_options options) {
  self->state.registry = registry;
  self->state.keeper = std::move(keeper);
  self->state.options = std::move(options);
  return {
    [=](actors_atom, const actor_query& q) {
      return list_actors(self, q);
    },
    [=](actor_atom, const std::string& node, uint64_t id) {
      return show_actor(self, node, id);
    },
  };
}

} // namespace

actor_listing local_actors(const actor_registry& registry, const actor_query& q) {
  actor_listing out;
  out.nodes.push_back(registry.node());
  if (!q.node.empty() && q.node != registry.node())
    return out;
  std::map<std::string, int64_t> counts;
  for (auto& e : registry.snapshot()) {
    ++counts[e.type];
    if (matches(e, q))
      out.items.push_back(info_of(e));
  }
  out.total = static_cast<int64_t>(out.items.size());
  sort_and_cut(out.items, q, wanted(q));
  for (auto& [type, n] : counts)
    out.counts.push_back({registry.node(), type, n});
  auto sample = registry.node_counters();
  node_counters c;
  c.node = registry.node();
  c.at_ms = sample.at_ms;
  c.orders_created = static_cast<int64_t>(sample.orders_created);
  c.requests = static_cast<int64_t>(sample.requests);
  c.latency_le = std::move(sample.latency_le);
  for (auto n : sample.latency_counts)
    c.latency_counts.push_back(static_cast<int64_t>(n));
  out.counters.push_back(std::move(c));
  return out;
}

std::optional<actor_detail> local_actor(const actor_registry& registry, uint64_t id) {
  auto e = registry.find(id);
  if (!e)
    return std::nullopt;
  actor_detail d;
  d.info = info_of(*e);
  if (e->stats) {
    d.recording = true;
    d.recording_until_ms = e->stats->watch(unix_ms(), watch_window.count());
    for (auto& m : e->stats->recent())
      d.recent.push_back({m.kind, m.from, m.at_ms});
  }
  return d;
}

actor_listing merge_listings(std::vector<actor_listing> parts, const actor_query& q) {
  actor_listing out;
  for (auto& part : parts) {
    out.total += part.total;
    for (auto& a : part.items)
      out.items.push_back(std::move(a));
    for (auto& c : part.counts)
      out.counts.push_back(std::move(c));
    for (auto& n : part.nodes)
      out.nodes.push_back(std::move(n));
    for (auto& n : part.missing)
      out.missing.push_back(std::move(n));
    for (auto& c : part.counters)
      out.counters.push_back(std::move(c));
  }
  sort_and_cut(out.items, q, wanted(q));
  auto skip = std::min(out.items.size(), static_cast<size_t>(std::max(0, q.offset)));
  out.items.erase(out.items.begin(), out.items.begin() + static_cast<std::ptrdiff_t>(skip));
  std::sort(out.nodes.begin(), out.nodes.end());
  std::sort(out.counters.begin(), out.counters.end(),
            [](const node_counters& a, const node_counters& b) {
              return a.node < b.node;
            });
  std::sort(out.counts.begin(), out.counts.end(), [](const actor_count& a, const actor_count& b) {
    return std::tie(a.node, a.type) < std::tie(b.node, b.type);
  });
  return out;
}

introspector_actor spawn_introspector(caf::actor_system& sys, actor_registry& registry,
                                      lease_keeper_actor keeper, introspection_options options) {
  return sys.spawn(introspector, &registry, std::move(keeper), std::move(options));
}

} // namespace agora::cluster
