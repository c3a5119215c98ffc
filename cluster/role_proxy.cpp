#include "cluster/role_proxy.hpp"

#include "actors/protocol/atoms.hpp"
#include "runtime/base/log.hpp"

#include <caf/actor_system.hpp>
#include <caf/blocking_actor.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include <chrono>
#include <deque>
#include <stdexcept>

namespace agora::cluster {

namespace {

using namespace std::chrono_literals;
using protocol::role_found_atom;
using protocol::role_found_atom_v;
using protocol::role_retry_atom;
using protocol::role_retry_atom_v;

struct proxy_state {
  static inline const char* name = "cluster.role_proxy";
  domain::node_role role = domain::node_role::payment;
  transport_options options;
  caf::actor remote;                   ///< empty while the role is being found again
  protocol::lease_keeper_actor keeper; ///< knows the live members; none yet: the seeds only
  bool resolving = false;
  /// What came while the role was being found again, passed on once it is (requesters keep
  /// their own deadlines meanwhile). Bounded: beyond it a request fails at once.
  std::deque<caf::mailbox_element_ptr> held;
};

constexpr size_t max_held = 10000;

using proxy_actor = caf::stateful_actor<proxy_state>;

/// One attempt to find the role: through the lease keeper, on the live members serving it that
/// this node is connected to (it never dials one itself: the newer of two nodes opens their one
/// connection); before the node has joined, on the seeds (a couple of seconds at most, on a
/// thread of its own). The proxy hears of the actor found, or of nothing.
void resolve_once(proxy_actor* self) {
  auto& st = self->state;
  st.resolving = true;
  auto options = st.options;
  if (st.keeper) {
    self->request(st.keeper, options.timeout, protocol::lookup_atom_v, st.role)
      .then(
        [=](caf::actor& found) {
          self->send(self, role_found_atom_v, found);
        },
        [=](caf::error&) {
          self->send(self, role_found_atom_v, caf::actor{});
        });
    return;
  }
  options.wait = 0s; // one round over the seeds; the proxy paces the retries
  self->system().spawn<caf::detached>(
    [proxy = caf::actor{self}, role = st.role, options](caf::blocking_actor* worker) {
      caf::actor found;
      try {
        found = resolve_role(worker->system(), role, options);
      } catch (const std::exception&) {
      }
      worker->send(proxy, role_found_atom_v, found);
    });
}

caf::behavior proxy(proxy_actor* self, domain::node_role role, caf::actor remote,
                    transport_options options) {
  auto& st = self->state;
  st.role = role;
  st.options = std::move(options);
  st.remote = std::move(remote);
  self->monitor(st.remote);
  self->set_down_handler([=](caf::down_msg& dm) {
    auto& st = self->state;
    if (!st.remote || dm.source != st.remote.address())
      return;
    log::warn("cluster.role_lost")
      .kv("role", domain::to_string(st.role))
      .kv("reason", self->system().render(dm.reason));
    st.remote = nullptr;
    if (!st.resolving)
      resolve_once(self);
  });
  // Everything that is not the proxy's own business goes to the remote actor as it came: same
  // sender, same request id, so the answer skips the proxy.
  self->set_default_handler(
    [=](caf::scheduled_actor*, caf::message_view& x) -> caf::result<caf::message> {
      auto& st = self->state;
      if (!st.remote && st.held.size() >= max_held)
        return caf::make_error(caf::sec::request_receiver_down);
      auto* elem = self->current_mailbox_element();
      auto passed = caf::make_mailbox_element(std::move(elem->sender), elem->mid,
                                              std::move(elem->stages), x.move_content_to_message());
      elem->mid.mark_as_answered();
      if (st.remote)
        st.remote->enqueue(std::move(passed), self->context());
      else
        st.held.push_back(std::move(passed));
      return caf::delegated<caf::message>{};
    });
  return {
    [=](role_found_atom, caf::actor& found) {
      auto& st = self->state;
      st.resolving = false;
      if (!found) {
        self->delayed_send(self, 1s, role_retry_atom_v); // try again in a second
        return;
      }
      st.remote = std::move(found);
      self->monitor(st.remote);
      log::info("cluster.role_found")
        .kv("role", domain::to_string(st.role))
        .kv("held", st.held.size());
      for (auto& passed : st.held)
        st.remote->enqueue(std::move(passed), self->context());
      st.held.clear();
    },
    [=](protocol::cluster_atom, caf::actor& keeper) {
      self->state.keeper = caf::actor_cast<protocol::lease_keeper_actor>(keeper);
    },
    [=](role_retry_atom) {
      if (!self->state.remote && !self->state.resolving)
        resolve_once(self);
    },
  };
}

} // namespace

void watch_members(const caf::actor& proxy, const protocol::lease_keeper_actor& keeper) {
  caf::anon_send(proxy, protocol::cluster_atom_v, caf::actor_cast<caf::actor>(keeper));
}

caf::actor spawn_role_proxy(caf::actor_system& sys, domain::node_role role, caf::actor remote,
                            const transport_options& options) {
  return sys.spawn(proxy, role, std::move(remote), options);
}

} // namespace agora::cluster
