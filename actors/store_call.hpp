#pragma once

#include <caf/duration.hpp>
#include <caf/error.hpp>
#include <caf/typed_response_promise.hpp>

#include <chrono>
#include <utility>

// How a service actor answers a request from its store while seeing the outcome (for metrics and
// follow-ups), where a plain delegate would hide it.
namespace agora::actors {

/// Asks `store` for `msg...` and delivers the reply, or the error, to `rp`; first `done(reply,
/// seconds)` sees it (`reply` null on error), timed from `start`. Like a delegate it sets no
/// timeout of its own (the stores answer every request; the original requester holds the
/// deadline), which also spares CAF's clock thread a timer per call.
template <class Reply, class Self, class Store, class Done, class... Ts>
void store_call(Self* self, caf::typed_response_promise<Reply> rp, const Store& store,
                std::chrono::steady_clock::time_point start, Done done, Ts... msg) {
  auto seconds = [start] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  self->request(store, caf::infinite, std::move(msg)...)
    .then(
      [=](Reply& reply) mutable {
        done(&reply, seconds());
        rp.deliver(std::move(reply));
      },
      [=](caf::error& err) mutable {
        done(static_cast<Reply*>(nullptr), seconds());
        rp.deliver(std::move(err));
      });
}

/// store_call() answering the request being handled now.
template <class Reply, class Self, class Store, class Done, class... Ts>
caf::typed_response_promise<Reply> answer_from(Self* self, const Store& store, Done done,
                                               Ts... msg) {
  auto rp = self->template make_response_promise<Reply>();
  store_call(self, rp, store, std::chrono::steady_clock::now(), std::move(done), std::move(msg)...);
  return rp;
}

} // namespace agora::actors
