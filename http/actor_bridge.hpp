#pragma once

#include "http/exchange.hpp"
#include "http/problem.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

#include <chrono>
#include <utility>

// The bridge from a RESTinio handler to an actor: a short-lived event-based actor sends one
// request with a timeout and answers the exchange from the reply (or the error, through the one
// problem mapping). The I/O thread never waits.
namespace agora::http {

/// `Reply` is the single type the target answers with (CAF needs a non-generic handler).
template<class Reply, class Handle, class OnReply, class... Ts>
void ask(caf::actor_system& sys, const exchange_ptr& ex, const Handle& target,
         std::chrono::milliseconds timeout, OnReply on_reply, Ts... msg) {
  sys.spawn([=](caf::event_based_actor* self) {
    self->request(target, timeout, msg...)
      .then(
        [=](Reply& reply) {
          try {
            on_reply(ex, reply);
          } catch (const std::exception&) {
            ex->respond_problem(make_problem(500, "internal error"));
          }
        },
        [=](caf::error& err) {
          ex->respond_problem(from_error(err, self->system().render(err)));
        });
  });
}

} // namespace agora::http
