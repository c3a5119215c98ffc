#pragma once

#include <caf/actor_config.hpp>
#include <caf/actor_system.hpp>
#include <caf/detail/init_fun_factory.hpp>
#include <caf/infer_handle.hpp>
#include <caf/invoke_message_result.hpp>
#include <caf/mailbox_element.hpp>

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace prometheus {
class Counter;
} // namespace prometheus

namespace agora {

/// One message an actor handled, as introspection shows it: no content, only its kind.
struct handled_message {
  std::string kind; ///< the leading atom ("get", "create"), or "reply", "down", "exit", ...
  std::string from; ///< the sender's actor id, "@<node>" appended when remote; empty when none
  int64_t at_ms = 0;
};

/// What one live actor and the registry share: written by the actor as it handles messages,
/// read by introspection from any thread. The recent messages are recorded only while someone
/// watches (a window that each look extends), so an unwatched actor pays two relaxed stores.
class actor_stats {
 public:
  static constexpr size_t recent_capacity = 32;

  std::atomic<uint64_t> messages{0};
  std::atomic<uint64_t> mailbox{0};         ///< left waiting after the last message
  std::atomic<int64_t> watched_until_ms{0}; ///< record recent messages until then (unix ms)

  bool watched(int64_t now_ms) const {
    return watched_until_ms.load(std::memory_order_relaxed) > now_ms;
  }
  /// Keeps recording for `window_ms` from now; answers the end of the window.
  int64_t watch(int64_t now_ms, int64_t window_ms);
  void record(handled_message m);
  std::vector<handled_message> recent() const;

  /// What the actor says of itself (an order's status).
  void set_state(std::string state);
  std::string state() const;

 private:
  mutable std::mutex mutex_;
  std::deque<handled_message> recent_;
  std::string state_;
};

/// The kind and sender of `x` as handled_message records them.
handled_message describe(const caf::mailbox_element& x, int64_t now_ms);

/// Implemented by actors that count the messages they handle. track() points the count at the
/// actor type's `agora_actor_messages_handled_total{type}` and at the actor's own stats; until
/// then nothing is counted.
class message_counting {
 public:
  void count_into(prometheus::Counter* counter, std::shared_ptr<actor_stats> stats) {
    handled_ = counter;
    stats_ = std::move(stats);
  }

 protected:
  ~message_counting() = default;
  /// Before a message is handled: notes it when someone watches (its content may be moved out
  /// by the handler, so it is read before).
  void handling(const caf::mailbox_element& x);
  /// One message handled, `left` waiting behind it (defined with the registry).
  void handled(size_t left);

 private:
  prometheus::Counter* handled_ = nullptr;
  std::shared_ptr<actor_stats> stats_;
  handled_message pending_; ///< the message being handled, when watched (kind not empty)
};

/// `Impl` (the actor class CAF would pick for a function) that counts every message it consumes:
/// CAF 0.17 counts them only in its actor profiler, which Debian's build leaves out.
template <class Impl>
class counted_actor : public Impl, public message_counting {
 public:
  using Impl::consume;
  using Impl::Impl;

  caf::invoke_message_result consume(caf::mailbox_element& x) override {
    handling(x);
    auto result = Impl::consume(x);
    if (result == caf::invoke_message_result::consumed)
      handled(this->mailbox().size());
    return result;
  }
};

/// `sys.spawn<Os>(fun, xs...)` for an actor whose handled messages are counted.
template <caf::spawn_options Os = caf::no_spawn_options, class F, class... Ts>
caf::infer_handle_from_fun_t<F> spawn_counted(caf::actor_system& sys, F fun, Ts&&... xs) {
  using impl = counted_actor<caf::infer_impl_from_fun_t<F>>;
  caf::actor_config cfg;
  caf::detail::init_fun_factory<impl, F> factory;
  cfg.init_fun = factory(std::move(fun), std::forward<Ts>(xs)...);
  return sys.spawn_class<impl, Os>(cfg);
}

} // namespace agora
