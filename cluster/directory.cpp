#include "cluster/directory.hpp"

#include "cluster/introspection.hpp"
#include "runtime/base/actor_registry.hpp"
#include "runtime/base/log.hpp"

#include <caf/actor_system.hpp>
#include <caf/function_view.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>
#include <caf/openssl/publish.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <stdexcept>
#include <thread>

namespace agora::cluster {

namespace {

using namespace agora::protocol;

struct directory_state {
  static inline const char* name = "cluster.directory";
  std::map<domain::node_role, caf::actor> services;
  lease_keeper_actor keeper;
  actor_registry* registry = nullptr; ///< this node's actors, for introspection
};

using self_ptr = directory_actor::stateful_pointer<directory_state>;

caf::error refused(const std::string& who) {
  return caf::make_error(errc::forbidden, who + " is not a live member of this cluster");
}

/// Runs `then(rp)` when the keeper last saw `member` live at `incarnation`; otherwise, or when
/// the keeper does not answer, fails `rp`.
template <class Promise, class F>
void when_member(self_ptr self, Promise rp, const std::string& member, int64_t incarnation,
                 F then) {
  self->request(self->state.keeper, std::chrono::seconds{5}, cluster_atom_v)
    .then(
      [=](const cluster_state& c) mutable {
        for (auto& m : c.members)
          if (m.id == member && m.incarnation == incarnation && m.live) {
            then(rp);
            return;
          }
        log::warn("cluster.lookup_refused").kv("member", member).kv("incarnation", incarnation);
        rp.deliver(refused(member));
      },
      [=](caf::error& err) mutable {
        rp.deliver(err);
      });
}

directory_actor::behavior_type directory(self_ptr self,
                                         std::map<domain::node_role, caf::actor> services,
                                         actor_registry* registry) {
  self->state.services = std::move(services);
  self->state.registry = registry;
  return {
    [=](lookup_atom, domain::node_role role, const std::string& member,
        int64_t incarnation) -> caf::result<caf::actor> {
      auto& st = self->state;
      auto i = st.services.find(role);
      if (i == st.services.end())
        return caf::make_error(errc::not_found,
                               "this node does not serve " + std::string{domain::to_string(role)});
      if (!st.keeper) // not joined yet: the asker tries again
        return refused(member);
      auto rp = self->make_response_promise<caf::actor>();
      when_member(self, rp, member, incarnation, [found = i->second](auto& rp) mutable {
        rp.deliver(found);
      });
      return rp;
    },
    [=](introduce_atom, const std::string& member, int64_t incarnation, caf::actor& orders,
        caf::actor& inventory, caf::actor& directory) -> caf::result<bool> {
      if (!self->state.keeper)
        return refused(member);
      auto rp = self->make_response_promise<bool>();
      when_member(self, rp, member, incarnation,
                  [=, keeper = caf::actor_cast<caf::actor>(self->state.keeper)](auto& rp) {
                    caf::anon_send(keeper, peer_atom_v, member, incarnation, orders, inventory,
                                   directory);
                    rp.deliver(true);
                  });
      return rp;
    },
    [=](actors_atom, const actor_query& q, const std::string& member,
        int64_t incarnation) -> caf::result<actor_listing> {
      if (!self->state.keeper)
        return refused(member);
      auto rp = self->make_response_promise<actor_listing>();
      when_member(self, rp, member, incarnation, [=](auto& rp) {
        rp.deliver(local_actors(*self->state.registry, q));
      });
      return rp;
    },
    [=](actor_atom, uint64_t id, const std::string& member,
        int64_t incarnation) -> caf::result<actor_detail> {
      if (!self->state.keeper)
        return refused(member);
      auto rp = self->make_response_promise<actor_detail>();
      when_member(self, rp, member, incarnation, [=](auto& rp) {
        if (auto found = local_actor(*self->state.registry, id))
          rp.deliver(std::move(*found));
        else
          rp.deliver(caf::make_error(errc::not_found, "no live actor " + std::to_string(id)));
      });
      return rp;
    },
    [=](cluster_atom, caf::actor& keeper) {
      self->state.keeper = caf::actor_cast<lease_keeper_actor>(keeper);
    },
  };
}

} // namespace

directory_actor publish_directory(caf::actor_system& sys,
                                  std::map<domain::node_role, caf::actor> services,
                                  actor_registry& registry, const transport_options& options) {
  auto dir = sys.spawn(directory, std::move(services), &registry);
  auto port = options.tls()
                ? caf::openssl::publish(dir, options.port, options.address.c_str(), true)
                : sys.middleman().publish(dir, options.port, options.address.c_str(), true);
  if (!port) {
    caf::anon_send_exit(dir, caf::exit_reason::user_shutdown);
    throw std::runtime_error("cannot publish the cluster directory on " + options.address + ":"
                             + std::to_string(options.port) + ": " + sys.render(port.error()));
  }
  log::info("cluster.published")
    .kv("address", options.address)
    .kv("port", unsigned{*port})
    .kv("tls", options.tls());
  return dir;
}

void watch_members(const directory_actor& directory, const lease_keeper_actor& keeper) {
  caf::anon_send(directory, cluster_atom_v, caf::actor_cast<caf::actor>(keeper));
}

caf::expected<directory_actor> connect_directory(caf::actor_system& sys, const std::string& host,
                                                 uint16_t port, const transport_options& options) {
  // CAF's remote_actor waits without a deadline; a connection whose handshake stalls would hold
  // the caller for good. Asked of the middleman directly, the answer has one.
  auto mm = options.tls() ? sys.openssl_manager().actor_handle() : sys.middleman().actor_handle();
  auto connect = caf::make_function_view(mm, caf::duration{options.timeout});
  auto found = connect(caf::connect_atom_v, host, port);
  if (!found)
    return std::move(found.error());
  auto& ptr = std::get<1>(*found);
  if (!ptr)
    return caf::make_error(caf::sec::no_actor_published_at_port);
  if (!sys.assignable<directory_actor>(std::get<2>(*found)))
    return caf::make_error(caf::sec::unexpected_actor_messaging_interface);
  return caf::actor_cast<directory_actor>(std::move(ptr));
}

caf::actor resolve_role(caf::actor_system& sys, domain::node_role role,
                        const transport_options& options) {
  auto deadline = std::chrono::steady_clock::now() + options.wait;
  std::string last = "no seeds configured (--seeds)";
  for (int attempt = 1;; ++attempt) {
    for (auto& seed : options.seeds) {
      auto dir = connect_directory(sys, seed.host, seed.port, options);
      if (!dir) {
        last = seed.host + ":" + std::to_string(seed.port) + ": " + sys.render(dir.error());
        continue;
      }
      caf::scoped_actor self{sys};
      caf::actor found;
      self->request(*dir, options.timeout, lookup_atom_v, role, options.member, options.incarnation)
        .receive(
          [&](caf::actor& a) {
            found = std::move(a);
          },
          [&](caf::error& err) {
            last = seed.host + ": " + sys.render(err);
          });
      if (found) {
        log::info("cluster.resolved")
          .kv("role", domain::to_string(role))
          .kv("seed", seed.host + ":" + std::to_string(seed.port));
        return found;
      }
    }
    if (std::chrono::steady_clock::now() >= deadline)
      throw std::runtime_error("no seed serves the " + std::string{domain::to_string(role)}
                               + " role: " + last);
    log::warn("cluster.waiting")
      .kv("role", domain::to_string(role))
      .kv("attempt", attempt)
      .kv("error", last);
    std::this_thread::sleep_for(std::chrono::milliseconds{500});
  }
}

} // namespace agora::cluster
