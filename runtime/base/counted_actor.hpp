#pragma once

#include <caf/actor_config.hpp>
#include <caf/actor_system.hpp>
#include <caf/detail/init_fun_factory.hpp>
#include <caf/infer_handle.hpp>
#include <caf/invoke_message_result.hpp>
#include <caf/mailbox_element.hpp>

#include <utility>

namespace prometheus {
class Counter;
} // namespace prometheus

namespace agora {

/// Implemented by actors that count the messages they handle. track() points the count at the
/// actor type's `agora_actor_messages_handled_total{type}`; until then nothing is counted.
class message_counting {
 public:
  void count_into(prometheus::Counter* counter) {
    handled_ = counter;
  }

 protected:
  ~message_counting() = default;
  void handled(); ///< one message handled (defined with the registry)

 private:
  prometheus::Counter* handled_ = nullptr;
};

/// `Impl` (the actor class CAF would pick for a function) that counts every message it consumes:
/// CAF 0.17 counts them only in its actor profiler, which Debian's build leaves out.
template <class Impl>
class counted_actor : public Impl, public message_counting {
 public:
  using Impl::consume;
  using Impl::Impl;

  caf::invoke_message_result consume(caf::mailbox_element& x) override {
    auto result = Impl::consume(x);
    if (result == caf::invoke_message_result::consumed)
      handled();
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
