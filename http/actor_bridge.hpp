#pragma once

#include "http/exchange.hpp"
#include "http/problem.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

#include <chrono>
#include <utility>

// The bridge from a RESTinio handler to actors: a short-lived event-based actor sends requests
// with a timeout and answers the exchange from the replies (or the error, through the one problem
// mapping). The I/O thread never waits.
namespace agora::http {

/// Answers `ex` with the problem an actor's error maps to.
inline void respond_error(const exchange_ptr& ex, caf::actor_system& sys, const caf::error& err) {
  ex->respond_problem(from_error(err, sys.render(err)));
}

/// Runs `body(self)` in a fresh event-based actor; `body` issues requests and answers `ex`.
template <class Body>
void bridge(caf::actor_system& sys, Body body) {
  sys.spawn([body](caf::event_based_actor* self) {
    body(self);
  });
}

/// Inside a bridge: one request whose reply goes to `on_reply(reply)` and whose error answers
/// `ex` through the problem mapping.
template <class Reply, class Handle, class OnReply, class... Ts>
void then_ask(caf::event_based_actor* self, const exchange_ptr& ex, const Handle& target,
              std::chrono::milliseconds timeout, OnReply on_reply, Ts... msg) {
  self->request(target, timeout, msg...)
    .then(
      [=](Reply& reply) mutable {
        on_reply(reply);
      },
      [=](caf::error& err) {
        respond_error(ex, self->system(), err);
      });
}

/// One request: `Reply` is the single type the target answers with (CAF needs a non-generic
/// handler); `on_reply(ex, reply)` answers the exchange.
template <class Reply, class Handle, class OnReply, class... Ts>
void ask(caf::actor_system& sys, const exchange_ptr& ex, const Handle& target,
         std::chrono::milliseconds timeout, OnReply on_reply, Ts... msg) {
  bridge(sys, [=](caf::event_based_actor* self) {
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
          respond_error(ex, self->system(), err);
        });
  });
}

} // namespace agora::http
