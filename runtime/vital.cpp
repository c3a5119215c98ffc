#include "runtime/vital.hpp"

#include "runtime/base/log.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/local_actor.hpp>
#include <caf/system_messages.hpp>

#include <map>

namespace agora::runtime {

namespace {

using keep_atom = caf::atom_constant<caf::atom("keep")>;

caf::behavior watcher(caf::event_based_actor* self, std::vector<caf::actor> actors,
                      std::shared_ptr<vital_watch> watch, std::function<void()> stop) {
  auto names = std::make_shared<std::map<caf::actor_addr, std::string>>();
  for (auto& a : actors) {
    if (!a)
      continue;
    auto* local = dynamic_cast<caf::local_actor*>(caf::actor_cast<caf::abstract_actor*>(a));
    names->emplace(a.address(), local ? local->name() : "actor");
    self->monitor(a);
  }
  self->set_down_handler([=](caf::down_msg& dm) {
    if (!dm.reason || dm.reason == caf::exit_reason::normal
        || dm.reason == caf::exit_reason::user_shutdown || watch->stopping)
      return;
    auto name = names->find(dm.source);
    log::error("node.actor_failed")
      .kv("actor", name == names->end() ? "actor" : name->second)
      .kv("reason", self->system().render(dm.reason))
      .kv("action", "the node stops; its shards go to the other members");
    if (!watch->failed.exchange(true))
      stop();
  });
  return {
    [](keep_atom) {}, // no messages: it only watches
  };
}

} // namespace

caf::actor spawn_vital_watch(caf::actor_system& sys, const std::vector<caf::actor>& actors,
                             std::shared_ptr<vital_watch> watch, std::function<void()> stop) {
  return sys.spawn(watcher, actors, std::move(watch), std::move(stop));
}

} // namespace agora::runtime
