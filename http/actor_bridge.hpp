#pragma once

#include "http/exchange.hpp"
#include "http/problem.hpp"

#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/duration.hpp>
#include <caf/event_based_actor.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <utility>
#include <vector>

namespace agora {
class actor_registry;
}

// The bridge from a RESTinio handler to actors: a short-lived event-based actor sends requests
// with a timeout and answers the exchange from the replies (or the error, through the one problem
// mapping). The I/O thread never waits.
namespace agora::http {

/// Answers `ex` with the problem an actor's error maps to.
inline void respond_error(const exchange_ptr& ex, caf::actor_system& sys, const caf::error& err) {
  ex->respond_problem(from_error(err, sys.render(err)));
}

/// Work for a bridge actor: issue requests, answer an exchange from the replies.
struct bridge_job {
  std::function<void(caf::event_based_actor*)> run;
};

/// A few long-lived event-based actors that run bridge jobs, round robin: a message per request
/// instead of an actor spawned per request.
class bridge_pool {
 public:
  /// `size` actors, tracked (and their messages counted) as `http.bridge`.
  bridge_pool(caf::actor_system& sys, size_t size, actor_registry& registry);
  ~bridge_pool();

  void run(bridge_job job);

 private:
  std::vector<caf::actor> actors_;
  std::atomic<size_t> next_{0};
};

/// Runs `body(self)` in one of the pool's actors; `body` issues requests and answers `ex`.
template <class Body>
void bridge(bridge_pool& pool, Body body) {
  pool.run(bridge_job{std::move(body)});
}

/// A timeout that arms no timer (see ask()).
constexpr std::chrono::milliseconds no_timer = std::chrono::milliseconds::max();

inline caf::duration request_timeout(std::chrono::milliseconds t) {
  return t == no_timer ? caf::duration{caf::infinite} : caf::duration{t};
}

/// Inside a bridge: one request whose reply goes to `on_reply(reply)` and whose error answers
/// `ex` through the problem mapping.
template <class Reply, class Handle, class OnReply, class... Ts>
void then_ask(caf::event_based_actor* self, const exchange_ptr& ex, const Handle& target,
              std::chrono::milliseconds timeout, OnReply on_reply, Ts... msg) {
  self->request(target, request_timeout(timeout), msg...)
    .then(
      [=](Reply& reply) mutable {
        on_reply(reply);
      },
      [=](caf::error& err) {
        respond_error(ex, self->system(), err);
      });
}

/// One request: `Reply` is the single type the target answers with (CAF needs a non-generic
/// handler); `on_reply(ex, reply)` answers the exchange. `timeout` may be no_timer for a local
/// actor that answers in its handler: the request is then answered or bounced, and no timer goes
/// through CAF's clock thread.
template <class Reply, class Handle, class OnReply, class... Ts>
void ask(bridge_pool& pool, const exchange_ptr& ex, const Handle& target,
         std::chrono::milliseconds timeout, OnReply on_reply, Ts... msg) {
  bridge(pool, [=](caf::event_based_actor* self) {
    self->request(target, request_timeout(timeout), msg...)
      .then(
        [=](Reply& reply) {
          try {
            on_reply(ex, reply);
          } catch (const std::exception&) {
            ex->respond_problem(make_problem(protocol::errc::internal, "internal error"));
          }
        },
        [=](caf::error& err) {
          respond_error(ex, self->system(), err);
        });
  });
}

} // namespace agora::http

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(agora::http::bridge_job)
