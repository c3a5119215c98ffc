#include "actors/notification.hpp"

#include "runtime/base/actor_registry.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"
#include "runtime/base/random.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace agora::actors {

namespace {

using namespace agora::protocol;
using namespace std::chrono;
using domain::delivery_action;
using domain::delivery_outcome;

struct mail_metrics {
  prometheus::Counter& sent;
  prometheus::Counter& failed;
  prometheus::Counter& suppressed;
  prometheus::Family<prometheus::Counter>& retries;
  prometheus::Gauge& queued;
  prometheus::Gauge& oldest;
  prometheus::Gauge& in_flight;
  prometheus::Gauge& server_up;
  prometheus::Histogram& send_seconds;

  explicit mail_metrics(prometheus::Registry& r)
    : sent(metrics::counter(r, "agora_mail_sent_total", "Mails the SMTP server accepted")),
      failed(metrics::counter(r, "agora_mail_failed_total",
                              "Mails given up on (FAILED) after their attempts")),
      suppressed(
        metrics::counter(r, "agora_mail_suppressed_total",
                         "Mails over their recipient's hourly cap: SUPPRESSED, never sent")),
      retries(metrics::counters(r, "agora_mail_retries_total",
                                "Delivery attempts that will be tried again, by reason (transient, "
                                "rejected, unavailable)")),
      queued(metrics::gauge(r, "agora_mail_queue_depth",
                            "Notifications waiting in the outbox (QUEUED)")),
      oldest(metrics::gauge(r, "agora_mail_oldest_queued_age_seconds",
                            "Age of the oldest QUEUED notification, 0 when none")),
      in_flight(
        metrics::gauge(r, "agora_mail_in_flight", "SMTP exchanges in progress on this node")),
      server_up(
        metrics::gauge(r, "agora_mail_server_up",
                       "1 while the SMTP server takes connections, 0 while it is unreachable")),
      send_seconds(metrics::histogram(r, "agora_mail_send_duration_seconds",
                                      "One SMTP exchange, connect to final reply")) {
    server_up.Set(1);
    for (auto o : {delivery_outcome::transient, delivery_outcome::rejected,
                   delivery_outcome::unavailable}) // known series exist from the start
      retries.Add({{"reason", std::string{domain::to_string(o)}}});
  }
};

using dispatcher_impl =
  notification_actor::extend<caf::reacts_to<step_atom>, caf::reacts_to<stats_atom>>;

struct dispatcher_state {
  static inline const char* name = "notification";
  outbox_store_actor store;
  std::vector<mailer_actor> idle;
  size_t mailers = 0; ///< idle and busy
  notification_options options;
  std::shared_ptr<mail_metrics> metrics;
  bool claiming = false;
  int outages = 0; ///< failed probes in a row while the server is unreachable
  steady_clock::time_point paused_until{};
};

using self_ptr = dispatcher_impl::stateful_pointer<dispatcher_state>;

double jitter() {
  uint32_t x = 0;
  random_bytes(reinterpret_cast<uint8_t*>(&x), sizeof(x));
  return static_cast<double>(x) / 4294967295.0;
}

void drain(self_ptr self);

/// Logs a store failure; the row's lease runs out and it is claimed again.
auto store_failed(self_ptr self, const char* what, std::string id) {
  return [=](caf::error& err) {
    log::warn("mail.store_failed")
      .kv("step", what)
      .kv("notification_id", id)
      .kv("error", self->system().render(err));
  };
}

/// The server is unreachable: back off before the next probe (one mail at a time).
void pause(self_ptr self, const std::string& error) {
  auto& st = self->state;
  if (st.outages++ == 0)
    log::warn("mail.server_unavailable").kv("error", error);
  domain::retry_policy probe{0, st.options.retry.base, st.options.pause_max};
  st.paused_until = steady_clock::now() + domain::backoff_delay(st.outages, probe, jitter());
  st.metrics->server_up.Set(0);
}

void recovered(self_ptr self) {
  auto& st = self->state;
  if (st.outages > 0)
    log::info("mail.server_available").kv("failed_probes", st.outages);
  st.outages = 0;
  st.metrics->server_up.Set(1);
}

/// Records one attempt's outcome as the delivery rules decide.
void settle(self_ptr self, const outbox_mail& m, const mail_receipt& r) {
  auto& st = self->state;
  auto outcome = static_cast<delivery_outcome>(r.outcome);
  st.metrics->send_seconds.Observe(r.seconds);
  auto d = domain::decide_delivery(outcome, m.attempt, st.options.retry, jitter());
  auto timeout = st.options.store_timeout;
  auto on_error = store_failed(self, "settle", m.id);
  if (outcome != delivery_outcome::unavailable)
    recovered(self);
  switch (d.action) {
    case delivery_action::mark_sent:
      st.metrics->sent.Increment();
      log::info("mail.sent")
        .kv("notification_id", m.id)
        .kv("type", m.type)
        .kv("order_id", m.order_id);
      self->request(st.store, timeout, sent_atom_v, m.id, m.attempt).then([](bool) {}, on_error);
      break;
    case delivery_action::retry:
    case delivery_action::defer: {
      bool counted = d.action == delivery_action::retry;
      st.metrics->retries.Add({{"reason", std::string{domain::to_string(outcome)}}}).Increment();
      if (counted)
        log::warn("mail.retry")
          .kv("notification_id", m.id)
          .kv("attempt", m.attempt)
          .kv("delay_ms", d.delay.count())
          .kv("error", r.error);
      else
        pause(self, r.error);
      self
        ->request(st.store, timeout, retry_atom_v, m.id, m.attempt,
                  static_cast<int64_t>(d.delay.count()), r.error, counted)
        .then([](bool) {}, on_error);
      break;
    }
    case delivery_action::mark_failed:
      st.metrics->failed.Increment();
      log::error("mail.failed")
        .kv("notification_id", m.id)
        .kv("attempts", m.attempt)
        .kv("error", r.error);
      self->request(st.store, timeout, failed_atom_v, m.id, m.attempt, r.error)
        .then([](bool) {}, on_error);
      break;
  }
}

/// Hands `m` to an idle mailer; the mailer comes back when the exchange ends.
void dispatch(self_ptr self, outbox_mail m) {
  auto& st = self->state;
  auto mailer = st.idle.back();
  st.idle.pop_back();
  st.metrics->in_flight.Increment();
  auto done = [=](const mail_receipt& r) {
    self->state.idle.push_back(mailer);
    self->state.metrics->in_flight.Decrement();
    settle(self, m, r);
    drain(self);
  };
  self->request(mailer, st.options.lease, send_atom_v, m)
    .then(
      [=](mail_receipt& r) {
        done(r);
      },
      [=](caf::error& err) {
        mail_receipt r;
        r.outcome = static_cast<uint8_t>(delivery_outcome::transient);
        r.error = self->system().render(err);
        done(r);
      });
}

/// Claims as many due rows as there are idle mailers (one while probing a dead server).
void drain(self_ptr self) {
  auto& st = self->state;
  if (st.claiming || st.idle.empty() || steady_clock::now() < st.paused_until)
    return;
  if (st.outages > 0 && st.idle.size() < st.mailers)
    return; // a probe of a dead server runs alone
  auto n = static_cast<int32_t>(st.outages > 0 ? 1 : st.idle.size());
  st.claiming = true;
  self
    ->request(st.store, st.options.store_timeout, claim_atom_v, n,
              static_cast<int64_t>(st.options.lease.count()), st.options.cap_per_hour)
    .then(
      [=](std::vector<outbox_mail>& rows) {
        self->state.claiming = false;
        for (auto& m : rows) {
          if (m.suppressed) {
            self->state.metrics->suppressed.Increment();
            log::info("mail.suppressed").kv("id", m.id).kv("type", m.type);
            continue;
          }
          dispatch(self, std::move(m));
        }
        if (static_cast<int32_t>(rows.size()) == n)
          drain(self); // there may be more due right now (suppressed rows took no mailer)
      },
      [=](caf::error& err) {
        self->state.claiming = false;
        log::warn("mail.claim_failed").kv("error", self->system().render(err));
      });
}

dispatcher_impl::behavior_type dispatcher(self_ptr self, outbox_store_actor store,
                                          std::vector<mailer_actor> mailers,
                                          notification_options options,
                                          std::shared_ptr<mail_metrics> metrics,
                                          actor_registry* registry) {
  track_sampled(self, *registry, "notification");
  auto& st = self->state;
  st.store = std::move(store);
  st.idle = std::move(mailers);
  st.mailers = st.idle.size();
  st.options = options;
  st.metrics = std::move(metrics);
  self->send(self, step_atom_v);
  self->send(self, stats_atom_v);
  return {
    [=](tick_atom) {
      drain(self);
    },
    [=](step_atom) {
      drain(self);
      self->delayed_send(self, self->state.options.poll, step_atom_v);
    },
    [=](stats_atom) {
      auto& st = self->state;
      self->request(st.store, st.options.store_timeout, stats_atom_v)
        .then(
          [=](outbox_stats& s) {
            self->state.metrics->queued.Set(static_cast<double>(s.queued));
            self->state.metrics->oldest.Set(static_cast<double>(s.oldest_queued_ms) / 1000.0);
          },
          [](caf::error&) {});
      self->delayed_send(self, st.options.stats_every, stats_atom_v);
    },
  };
}

} // namespace

notification_actor spawn_notification(caf::actor_system& sys, outbox_store_actor store,
                                      std::vector<mailer_actor> mailers,
                                      notification_options options, prometheus::Registry& metrics,
                                      actor_registry& registry) {
  auto m = std::make_shared<mail_metrics>(metrics);
  return spawn_counted(sys, dispatcher, std::move(store), std::move(mailers), options, std::move(m),
                       &registry);
}

} // namespace agora::actors
