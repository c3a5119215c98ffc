#include "runtime/base/actor_registry.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "mail/smtp.hpp"
#include <memory>

namespace agora::mail {

namespace {

using namespace agora::protocol;

struct mailer_state {
  static inline const char* name = "mailer";
  std::unique_ptr<smtp_client> client;
};

mailer_actor::behavior_type mailer(mailer_actor::stateful_pointer<mailer_state> self,
                                   smtp_options options, actor_registry* registry) {
  track_sampled(self, *registry, "mailer");
  self->state.client = std::make_unique<smtp_client>(options);
  return {
    [=](send_atom, const outbox_mail& m) {
      return self->state.client->send(m.recipient, render(m, options, std::time(nullptr)));
    },
  };
}

} // namespace

mailer_actor spawn_mailer(caf::actor_system& sys, const smtp_options& options,
                          actor_registry& registry) {
  return spawn_counted<caf::detached>(sys, mailer, options, &registry);
}

} // namespace agora::mail
