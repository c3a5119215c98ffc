#include "actors/payment.hpp"

#include "actors/domain/payment_rules.hpp"
#include "actors/service_metrics.hpp"
#include "actors/store_call.hpp"
#include "runtime/base/actor_registry.hpp"
#include "runtime/base/clock.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/random.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <unordered_map>

namespace agora::actors {

namespace {

using namespace agora::protocol;

using payment_impl = payment_actor::extend<caf::reacts_to<step_atom, uint64_t>>;

struct pending_charge {
  caf::typed_response_promise<payment> promise;
  charge_request request;
  std::chrono::steady_clock::time_point since;
};

struct payment_state {
  static inline const char* name = "payment";
  uint64_t next = 0;
  std::unordered_map<uint64_t, pending_charge> waiting; ///< charges waiting out the latency
};

/// Counts an answered operation under its payment's status, or "error".
auto observer(const std::shared_ptr<service_metrics>& metrics, const char* operation) {
  return [metrics, operation](const payment* p, double seconds) {
    metrics->observe(operation, p ? result_label(domain::to_string(p->status)) : "error", seconds);
  };
}

payment decide(const charge_request& req) {
  auto answer = domain::issuer_answer(req.card_token);
  payment p;
  p.id = new_id("pay");
  p.order_id = req.order_id;
  p.amount_cents = req.amount_cents;
  p.currency = req.currency;
  p.card_last4 = req.card_last4;
  if (answer == domain::charge_result::approved) {
    p.status = domain::payment_status::captured;
  } else {
    p.status = domain::payment_status::declined;
    p.decline_reason = std::string{domain::to_string(answer)};
  }
  return p;
}

/// Whether the order has given this charge attempt up already (its deadline passed while the
/// request waited: in a paused process, behind a cut network, in the gateway).
bool too_late(const charge_request& req) {
  return req.not_after_ms != 0 && unix_ms() > req.not_after_ms;
}

/// The answer to a charge too late to make: nothing is charged, and the order (which has moved on
/// to retry or to cancel) ignores it.
caf::error not_charged(const std::shared_ptr<service_metrics>& metrics, const charge_request& req) {
  metrics->observe("charge", "too_late", 0);
  log::warn("payment.charge_too_late")
    .kv("order_id", req.order_id)
    .kv("late_ms", unix_ms() - req.not_after_ms);
  return caf::make_error(errc::timeout,
                         std::string{"the charge came after its order's deadline; not charged"});
}

payment_impl::behavior_type payments(payment_impl::stateful_pointer<payment_state> self,
                                     payment_store_actor store, payment_options options,
                                     actor_registry* registry,
                                     std::shared_ptr<service_metrics> metrics) {
  track_sampled(self, *registry, "payment");
  return {
    [=](charge_atom, const charge_request& req) -> caf::result<payment> {
      if (too_late(req))
        return not_charged(metrics, req);
      if (options.latency.count() == 0)
        return answer_from<payment>(self, store, observer(metrics, "charge"), charge_atom_v,
                                    decide(req));
      // The gateway's round trip, simulated without holding a thread.
      auto token = ++self->state.next;
      auto rp = self->make_response_promise<payment>();
      self->state.waiting.emplace(token, pending_charge{rp, req, std::chrono::steady_clock::now()});
      self->delayed_send(self, options.latency, step_atom_v, token);
      return rp;
    },
    [=](step_atom, uint64_t token) {
      auto i = self->state.waiting.find(token);
      if (i == self->state.waiting.end())
        return;
      auto pending = std::move(i->second);
      self->state.waiting.erase(i);
      if (too_late(pending.request)) {
        pending.promise.deliver(not_charged(metrics, pending.request));
        return;
      }
      store_call(self, pending.promise, store, pending.since, observer(metrics, "charge"),
                 charge_atom_v, decide(pending.request));
    },
    [=](void_atom, const std::string& order_id) {
      return answer_from<payment>(self, store, observer(metrics, "void"), void_atom_v, order_id,
                                  new_id("pay"));
    },
    [=](refund_atom, const std::string& payment_id, int64_t cents, const std::string& key) {
      return answer_from<payment>(self, store, observer(metrics, "refund"), refund_atom_v,
                                  payment_id, cents, key, new_id("ref"));
    },
  };
}

} // namespace

payment_actor spawn_payments(caf::actor_system& sys, payment_store_actor store,
                             payment_options options, actor_registry& registry,
                             prometheus::Registry& metrics) {
  auto counters = std::make_shared<service_metrics>(
    metrics, "payment",
    std::initializer_list<std::pair<const char*, const char*>>{{"charge", "captured"},
                                                               {"charge", "declined"},
                                                               {"charge", "error"},
                                                               {"charge", "too_late"},
                                                               {"void", "voided"},
                                                               {"void", "error"},
                                                               {"refund", "refunded"},
                                                               {"refund", "partially_refunded"},
                                                               {"refund", "error"}});
  return caf::actor_cast<payment_actor>(
    spawn_counted(sys, payments, std::move(store), options, &registry, std::move(counters)));
}

} // namespace agora::actors
