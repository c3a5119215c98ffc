#include "actors/order.hpp"

#include "actors/domain/notifications.hpp"
#include "actors/order_metrics.hpp"
#include "runtime/base/actor_registry.hpp"
#include "runtime/base/check.hpp"
#include "runtime/base/log.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>

namespace agora::actors {

namespace {

using namespace agora::protocol;
using namespace std::chrono;
using domain::effect;

using order_impl =
  order_actor::extend<caf::reacts_to<step_atom, uint8_t>, caf::reacts_to<wait_atom, uint64_t>,
                      caf::reacts_to<tick_atom>>;

struct waiter {
  caf::typed_response_promise<order_view> promise;
  int64_t deadline_ms = 0;
};

struct order_state {
  static inline const char* name = "order";
  std::string id;
  domain::order_state s;
  order_peers peers;
  order_options options;
  std::optional<domain::shipment_status> shipment_status;
  bool appending = false;
  /// A command waits for another actor's answer before it decides (a paid order's cancel, at
  /// shipping): like an append, it holds the commands behind it.
  bool consulting = false;
  /// Events that only record a finished idempotent effect (the stock commit) ride with the next
  /// append instead of costing one of their own; the tick journals them if nothing else comes.
  /// Lost in a crash, the effect runs again and is answered the same.
  std::vector<domain::order_event> riders;
  std::set<effect> riding; ///< the effects whose completion rides: not to be started again
  std::deque<std::function<void()>> backlog; ///< commands waiting for the append in flight
  std::set<effect> in_flight;
  std::map<effect, int> attempts;
  /// The attempt under way of each started effect: its requests arm no CAF timer; the order's
  /// tick fails it at its deadline, and replies to an abandoned attempt are ignored.
  struct attempt {
    uint64_t token = 0;
    steady_clock::time_point started;
    steady_clock::time_point deadline;
  };
  std::map<effect, attempt> running;
  uint64_t next_attempt = 0;
  /// When the earliest tick now scheduled arrives (max: none).
  steady_clock::time_point next_tick = steady_clock::time_point::max();
  bool followed = false; ///< asked shipping for the shipment's status since activation
  uint64_t next_waiter = 0;
  std::map<uint64_t, waiter> waiters;
  steady_clock::time_point last_active = steady_clock::now();
  std::shared_ptr<std::string> live_status; ///< for agora_orders_live after the state is gone
};

using self_ptr = order_impl::stateful_pointer<order_state>;

/// Commands run one at a time: a command that is appending or consulting holds the next ones.
bool busy(const order_state& st) {
  return st.appending || st.consulting;
}

int64_t now_ms() {
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

order_view current_view(self_ptr self) {
  return view_of(self->state.s, self->state.shipment_status);
}

bool decided(domain::order_status s) {
  return s != domain::order_status::pending && s != domain::order_status::reserved;
}

/// Makes sure a tick arrives by `when` (ticks check deadlines and idleness; a spare one is
/// harmless).
void tick_by(self_ptr self, steady_clock::time_point when) {
  auto& st = self->state;
  if (when >= st.next_tick)
    return;
  auto now = steady_clock::now();
  st.next_tick = std::max(when, now);
  self->delayed_send(self, duration_cast<milliseconds>(st.next_tick - now) + milliseconds{1},
                     tick_atom_v);
}

/// Starts an attempt of `e`, answering its token. A CAF request timer per step request would cost
/// a locked insert and a wake-up of CAF's clock thread each; one deadline per attempt, checked by
/// the order's tick, costs nothing until it passes.
uint64_t begin_attempt(self_ptr self, effect e) {
  auto& st = self->state;
  auto now = steady_clock::now();
  auto token = ++st.next_attempt;
  st.running[e] = {token, now, now + st.options.step_timeout};
  tick_by(self, st.running[e].deadline);
  return token;
}

/// Whether `token` is the attempt of `e` still under way (not finished, failed or timed out).
bool current(self_ptr self, effect e, uint64_t token) {
  auto i = self->state.running.find(e);
  return i != self->state.running.end() && i->second.token == token;
}

/// Ends the attempt `token` of `e`, answering how long it ran (in seconds), or nothing when it is
/// no longer the current one.
std::optional<double> end_attempt(self_ptr self, effect e, uint64_t token) {
  if (!current(self, e, token))
    return std::nullopt;
  auto& st = self->state;
  auto ran = duration<double>(steady_clock::now() - st.running[e].started).count();
  st.running.erase(e);
  return ran;
}

/// After a tick: the next one comes at the earliest deadline, or after the idle time.
void schedule_next_tick(self_ptr self) {
  auto& st = self->state;
  auto now = steady_clock::now();
  if (now >= st.next_tick)
    st.next_tick = steady_clock::time_point::max(); // this was the tick we waited for
  auto when = now + st.options.idle;
  for (auto& [e, a] : st.running)
    when = std::min(when, a.deadline);
  tick_by(self, when);
}

void run_effects(self_ptr self);
void next_command(self_ptr self);

/// Answers waiters whose order has left PENDING and RESERVED.
void wake_waiters(self_ptr self) {
  if (!decided(self->state.s.status))
    return;
  for (auto& [token, w] : self->state.waiters)
    w.promise.deliver(current_view(self));
  self->state.waiters.clear();
}

/// Passivates when nothing is owed, waited for or under way.
void maybe_passivate(self_ptr self, bool idle_check) {
  auto& st = self->state;
  if (busy(st) || !st.riders.empty() || !st.backlog.empty() || !st.in_flight.empty()
      || !st.waiters.empty())
    return;
  bool idle = steady_clock::now() - st.last_active >= st.options.idle;
  if (domain::settled(st.s) || (idle_check && idle) || !st.s.exists)
    self->quit();
}

/// Journals the riders and `events` (with projection and outbox rows), then applies them; `then`
/// runs after.
void persist(self_ptr self, std::vector<domain::order_event> events, std::string idem_key,
             std::string request_hash, std::function<void(const caf::error&)> then) {
  auto& st = self->state;
  if (events.empty()) { // riders wait for a real event (or the tick)
    then({});
    return next_command(self);
  }
  // Two appends at once would both claim the next sequence numbers.
  AGORA_CHECK_MSG(!st.appending, "an order appends one batch at a time");
  // Riders were decided first. They stay riders until an append holding them commits (none can
  // join meanwhile: commands wait for the append).
  events.insert(events.begin(), st.riders.begin(), st.riders.end());
  journal_append batch;
  batch.order_id = st.id;
  batch.first_seq = st.s.seq + 1;
  batch.idempotency_key = std::move(idem_key);
  batch.request_hash = std::move(request_hash);
  auto after = st.s;
  for (auto& e : events) {
    domain::apply(after, e);
    if (auto n = domain::notification_for(after, e, st.options.public_url))
      batch.notifications.push_back(std::move(*n));
  }
  batch.projection = view_of(after, st.shipment_status);
  batch.settled = domain::settled(after);
  batch.events = events;
  st.appending = true;
  // No timeout: the journal answers every append exactly once (committed, failed, or a lost
  // COMMIT resolved by reading back), and a timeout would report a failure for an append that
  // may still commit. It also keeps CAF's clock thread off the hottest path.
  self->request(st.peers.store, caf::infinite, append_atom_v, std::move(batch))
    .then(
      [=](bool) {
        auto& st = self->state;
        st.appending = false;
        st.riders.clear();
        st.riding.clear();
        auto before = st.s.exists ? domain::to_string(st.s.status) : std::string_view{};
        for (auto& e : events) {
          domain::apply(st.s, e);
          st.peers.metrics->transition(domain::to_string(e.type));
        }
        if (before != domain::to_string(st.s.status)) {
          st.peers.metrics->live(before, domain::to_string(st.s.status));
          *st.live_status = std::string{domain::to_string(st.s.status)};
        }
        then({});
        wake_waiters(self);
        run_effects(self);
        next_command(self);
        maybe_passivate(self, false);
      },
      [=](caf::error& err) {
        self->state.appending = false;
        // Riders still held ride again with the next append; flushed ones went with this one,
        // so their effects start again (and are answered the same).
        if (self->state.riders.empty())
          self->state.riding.clear();
        log::warn("order.append_failed")
          .kv("order_id", self->state.id)
          .kv("error", self->system().render(err));
        then(err);
        next_command(self);
        if (!self->state.s.exists)
          self->quit(); // a create that never became durable: nothing to keep
        else
          run_effects(self); // owed effects retry the decision that failed
      });
}

/// Runs `cmd` now, or after the append in flight (decisions see the committed state).
void command(self_ptr self, std::function<void()> cmd) {
  self->state.last_active = steady_clock::now();
  if (busy(self->state))
    self->state.backlog.push_back(std::move(cmd));
  else
    cmd();
}

void next_command(self_ptr self) {
  auto& st = self->state;
  while (!busy(st) && !st.backlog.empty()) {
    auto cmd = std::move(st.backlog.front());
    st.backlog.pop_front();
    cmd();
  }
}

/// Journals what `decision` decided (no reply).
void enact(self_ptr self, domain::decision d) {
  persist(self, std::move(d.events), {}, {}, [](const caf::error&) {});
}

/// Journals the riders on their own: nothing came for them to ride with. Their effects stay
/// marked as riding until the append lands (the tick's run_effects must not start them again
/// meanwhile); should it fail, they start again and are answered the same.
void flush_riders(self_ptr self) {
  auto& st = self->state;
  auto events = std::move(st.riders);
  st.riders.clear();
  persist(self, std::move(events), {}, {}, [](const caf::error&) {});
}

/// Whether what `e` decides when it finishes may ride with the next append: the stock commit,
/// which the order owes once shipped and which only records what the inventory did
/// (idempotently, keyed by the order). Its event then joins ORDER_DELIVERED's append instead of
/// costing an append and a projection update of its own.
bool rides(effect e) {
  return e == effect::commit_stock;
}

/// A step's attempt `token` finished: forget it, record the latency, and journal what it decided
/// (now, or with the next append for a riding effect of an order that may still change; a
/// terminal one has nothing left to ride with). An answer to an abandoned attempt changes nothing.
template <class Decide>
void step_done(self_ptr self, effect e, uint64_t token, Decide decide) {
  auto ran = end_attempt(self, e, token);
  if (!ran)
    return;
  self->state.peers.metrics->step(domain::to_string(e), *ran, true);
  command(self, [=] {
    auto& st = self->state;
    st.in_flight.erase(e);
    st.attempts.erase(e);
    auto d = decide(st.s);
    if (rides(e) && !d.events.empty() && !domain::is_terminal(st.s.status)) {
      st.riders.insert(st.riders.end(), d.events.begin(), d.events.end());
      st.riding.insert(e);
      return next_command(self);
    }
    enact(self, std::move(d));
  });
}

/// A step's attempt `token` failed or passed its deadline: retry after a backoff, or give up on a
/// forward step (the order compensates). A failure of an abandoned attempt changes nothing.
void step_failed(self_ptr self, effect e, uint64_t token, const caf::error& err) {
  auto ran = end_attempt(self, e, token);
  if (!ran)
    return;
  auto& st = self->state;
  st.peers.metrics->step(domain::to_string(e), *ran, false);
  auto attempt = ++st.attempts[e];
  log::warn("order.step_failed")
    .kv("order_id", st.id)
    .kv("step", domain::to_string(e))
    .kv("attempt", attempt)
    .kv("error", self->system().render(err));
  auto forward =
    e == effect::reserve_stock || e == effect::charge_payment || e == effect::create_shipment;
  if (forward && attempt >= st.options.step_retries) {
    command(self, [=] {
      self->state.in_flight.erase(e);
      enact(self, domain::decide_step_timeout(self->state.s, e, now_ms()));
    });
    return;
  }
  auto pause = milliseconds{std::min<int64_t>(30000, 200LL << std::min(attempt, 8))};
  self->delayed_send(self, pause, step_atom_v, static_cast<uint8_t>(e));
}

/// Sends `atom` (with the shard's items for a reserve) to every shard holding one of the order's
/// items; `done` gets all answers, a failure fails the step once.
template <class Reply, class Atom>
void to_shards(self_ptr self, effect e, uint64_t token, Atom atom,
               std::function<void(std::vector<Reply>)> done) {
  auto& st = self->state;
  std::map<uint32_t, std::vector<domain::line_item>> by_shard;
  for (auto& item : st.s.order.items)
    by_shard[inventory_shard_of(item.product_id, static_cast<uint32_t>(st.peers.shards.size()))]
      .push_back(item);
  auto replies = std::make_shared<std::vector<Reply>>();
  auto left = std::make_shared<size_t>(by_shard.size());
  for (auto& [shard, items] : by_shard) {
    auto on_reply = [=](Reply& r) {
      if (!current(self, e, token))
        return;
      replies->push_back(r);
      if (--*left == 0)
        done(std::move(*replies));
    };
    auto on_error = [=](caf::error& err) {
      step_failed(self, e, token, err); // the first failure ends the attempt
    };
    auto& target = st.peers.shards[shard];
    if constexpr (std::is_same_v<Atom, reserve_atom>)
      self->request(target, caf::infinite, atom, st.id, items).then(on_reply, on_error);
    else
      self->request(target, caf::infinite, atom, st.id).then(on_reply, on_error);
  }
}

void start_reserve(self_ptr self) {
  auto token = begin_attempt(self, effect::reserve_stock);
  to_shards<reserve_reply>(
    self, effect::reserve_stock, token, reserve_atom_v, [=](std::vector<reserve_reply> replies) {
      std::vector<int64_t> short_products;
      bool ok = true;
      for (auto& r : replies) {
        ok = ok && r.ok;
        self->state.peers.metrics->reservation(r.ok);
        short_products.insert(short_products.end(), r.short_products.begin(),
                              r.short_products.end());
      }
      step_done(self, effect::reserve_stock, token, [=](const domain::order_state& s) {
        return domain::decide_reservation(s, ok, short_products, now_ms());
      });
    });
}

void start_stock_finish(self_ptr self, effect e) {
  auto token = begin_attempt(self, e);
  auto done = [=](std::vector<bool>) {
    self->state.peers.metrics->compensation(domain::to_string(e));
    step_done(self, e, token, [=](const domain::order_state& s) {
      return domain::decide_effect_done(s, e, 0, now_ms());
    });
  };
  if (e == effect::release_stock)
    to_shards<bool>(self, e, token, release_atom_v, done);
  else
    to_shards<bool>(self, e, token, commit_atom_v, done);
}

domain::payment_outcome outcome_of(const payment& p) {
  if (p.status == domain::payment_status::declined)
    return domain::payment_outcome::declined;
  if (p.status == domain::payment_status::voided)
    return domain::payment_outcome::voided;
  return domain::payment_outcome::captured;
}

void start_payment(self_ptr self, effect e) {
  auto& st = self->state;
  auto token = begin_attempt(self, e);
  auto on_payment = [=](payment& p) {
    if (!current(self, e, token))
      return;
    self->state.peers.metrics->payment(outcome_of(p));
    step_done(self, e, token, [=](const domain::order_state& s) {
      return domain::decide_payment(s, outcome_of(p), p.id, p.amount_cents, p.decline_reason,
                                    now_ms());
    });
  };
  auto on_error = [=](caf::error& err) {
    step_failed(self, e, token, err);
  };
  if (e == effect::charge_payment)
    self
      ->request(st.peers.payments, caf::infinite, charge_atom_v,
                charge_request{st.id, st.s.order.total_cents, st.s.order.currency,
                               st.s.order.card_token, st.s.order.card_last4})
      .then(on_payment, on_error);
  else
    self->request(st.peers.payments, caf::infinite, void_atom_v, st.id).then(on_payment, on_error);
}

void start_refund(self_ptr self) {
  auto& st = self->state;
  auto token = begin_attempt(self, effect::refund_payment);
  auto done = [=](int64_t refunded) {
    if (!current(self, effect::refund_payment, token))
      return;
    self->state.peers.metrics->compensation("refund_payment");
    step_done(self, effect::refund_payment, token, [=](const domain::order_state& s) {
      return domain::decide_effect_done(s, effect::refund_payment, refunded, now_ms());
    });
  };
  self
    ->request(st.peers.payments, caf::infinite, refund_atom_v, st.s.payment_id, int64_t{0},
              "order:" + st.id + ":refund")
    .then(
      [=](payment& p) {
        done(p.refunded_cents);
      },
      [=](caf::error& err) {
        if (err == errc::conflict) // nothing left to refund: refunded before
          return done(self->state.s.captured_cents);
        step_failed(self, effect::refund_payment, token, err);
      });
}

/// Applies what a shipment's status means for the order.
void shipment_seen(self_ptr self, const shipment_news& news) {
  command(self, [=] {
    if (news.shipment_id != self->state.s.shipment_id)
      return next_command(self);
    self->state.shipment_status = news.status;
    enact(self, domain::decide_shipment_status(self->state.s, news.status, now_ms()));
  });
}

void start_shipping(self_ptr self, effect e) {
  auto& st = self->state;
  auto token = begin_attempt(self, e);
  auto on_error = [=](caf::error& err) {
    if (e == effect::cancel_shipment && err == errc::conflict) { // picked up already
      if (current(self, e, token))
        log::warn("order.shipment_not_cancelled").kv("order_id", self->state.id);
      return step_done(self, e, token, [=](const domain::order_state& s) {
        return domain::decide_effect_done(s, e, 0, now_ms());
      });
    }
    step_failed(self, e, token, err);
  };
  if (e == effect::create_shipment) {
    self->request(st.peers.shipping, caf::infinite, create_atom_v, st.id, st.s.order.ship_to)
      .then(
        [=](shipment& sh) {
          if (!current(self, e, token))
            return;
          self->state.shipment_status = sh.status;
          // The answer is the shipment as it is now, and shipping tells us of every later move
          // (news queues behind this step's journal append): no need to ask again.
          self->state.followed = true;
          step_done(self, e, token, [=](const domain::order_state& s) {
            return domain::decide_shipment_created(s, sh.id, sh.tracking_number, sh.carrier,
                                                   now_ms());
          });
          if (sh.status != domain::shipment_status::label_created) // an earlier attempt's shipment
                                                                   // has moved on
            shipment_seen(self, {sh.order_id, sh.id, sh.status, sh.tracking_number, sh.carrier});
        },
        on_error);
  } else if (e == effect::cancel_shipment) {
    self->request(st.peers.shipping, caf::infinite, cancel_atom_v, st.id)
      .then(
        [=](shipment&) {
          if (!current(self, e, token))
            return;
          self->state.peers.metrics->compensation("cancel_shipment");
          step_done(self, e, token, [=](const domain::order_state& s) {
            return domain::decide_effect_done(s, e, 0, now_ms());
          });
        },
        on_error);
  } else { // follow_shipment: once per activation; afterwards shipping tells us
    self->request(st.peers.shipping, caf::infinite, get_atom_v, st.id)
      .then(
        [=](shipment& sh) {
          if (!end_attempt(self, e, token))
            return;
          self->state.in_flight.erase(e);
          self->state.followed = true;
          shipment_seen(self, {sh.order_id, sh.id, sh.status, sh.tracking_number, sh.carrier});
        },
        on_error);
  }
}

/// Fails every attempt past its deadline, as a request timeout would have.
void expire_attempts(self_ptr self) {
  auto now = steady_clock::now();
  std::vector<std::pair<effect, uint64_t>> late;
  for (auto& [e, a] : self->state.running)
    if (a.deadline <= now)
      late.emplace_back(e, a.token);
  for (auto& [e, token] : late)
    step_failed(self, e, token, caf::make_error(caf::sec::request_timeout));
}

void start(self_ptr self, effect e) {
  switch (e) {
    case effect::reserve_stock: return start_reserve(self);
    case effect::release_stock:
    case effect::commit_stock: return start_stock_finish(self, e);
    case effect::charge_payment:
    case effect::void_payment: return start_payment(self, e);
    case effect::refund_payment: return start_refund(self);
    case effect::create_shipment:
    case effect::cancel_shipment:
    case effect::follow_shipment: return start_shipping(self, e);
  }
}

void run_effects(self_ptr self) {
  auto& st = self->state;
  for (auto e : domain::pending_effects(st.s)) {
    if (st.in_flight.count(e) || st.riding.count(e)
        || (e == effect::follow_shipment && st.followed))
      continue;
    st.in_flight.insert(e);
    start(self, e);
  }
}

caf::result<order_view> create(self_ptr self, const create_order& req) {
  auto rp = self->make_response_promise<order_view>();
  command(self, [=]() mutable {
    auto d = domain::decide_create(self->state.s, req.draft, now_ms());
    persist(self, std::move(d.events), req.idempotency_key, req.request_hash,
            [=](const caf::error& err) mutable {
              if (err)
                rp.deliver(err);
              else
                rp.deliver(current_view(self));
            });
  });
  return rp;
}

caf::result<order_view> cancel(self_ptr self) {
  auto rp = self->make_response_promise<order_view>();
  command(self, [=]() mutable {
    auto journal = [=](domain::decision d) mutable {
      if (d.refused != domain::refusal::none) {
        rp.deliver(caf::make_error(
          d.refused == domain::refusal::not_found ? errc::not_found : errc::conflict, d.why));
        return next_command(self);
      }
      persist(self, std::move(d.events), {}, {}, [=](const caf::error& err) mutable {
        if (err)
          rp.deliver(err);
        else
          rp.deliver(current_view(self));
      });
    };
    auto& st = self->state;
    if (st.s.status != domain::order_status::paid)
      return journal(domain::decide_cancel(st.s, now_ms()));
    // A paid order's shipment (existing, or being created) can be picked up at any moment, and
    // the news of it may still be on its way: the cancel must win that race at the shipment
    // first, or the goods ship while the money is refunded and the stock released. Shipping
    // cancels it only before pickup (or leaves a CANCELLED one if there is none yet, so none can
    // follow); a crash before the journal entry is completed from the cancelled shipment.
    st.consulting = true;
    self->request(st.peers.shipping, st.options.step_timeout, cancel_atom_v, st.id)
      .then(
        [=](shipment& sh) mutable {
          self->state.consulting = false;
          self->state.shipment_status = sh.status;
          journal(domain::decide_cancel(self->state.s, now_ms()));
        },
        [=](caf::error& err) mutable {
          self->state.consulting = false;
          if (err == errc::conflict) // picked up: the news of it follows this command
            rp.deliver(caf::make_error(errc::conflict, std::string{"the order has shipped"}));
          else
            rp.deliver(err);
          next_command(self);
        });
  });
  return rp;
}

caf::result<order_view> wait(self_ptr self, int64_t deadline_ms) {
  auto& st = self->state;
  if (decided(st.s.status) || deadline_ms <= now_ms())
    return current_view(self);
  auto token = ++st.next_waiter;
  auto rp = self->make_response_promise<order_view>();
  st.waiters.emplace(token, waiter{rp, deadline_ms});
  self->delayed_send(self, milliseconds{deadline_ms - now_ms()}, wait_atom_v, token);
  return rp;
}

order_impl::behavior_type order(self_ptr self, std::string id,
                                std::vector<domain::order_event> journal, order_peers peers,
                                order_options options) {
  auto& st = self->state;
  st.id = id;
  st.peers = std::move(peers);
  st.options = options;
  for (auto& e : journal)
    domain::apply(st.s, e);
  AGORA_CHECK(journal.empty() || st.s.order.id == id); // the journal is this order's
  track(self, *st.peers.registry, "order", id);
  // The state is gone when attached functors run: they keep their own view of the status.
  st.live_status = std::make_shared<std::string>(
    st.s.exists ? std::string{domain::to_string(st.s.status)} : std::string{});
  if (st.s.exists)
    st.peers.metrics->live({}, *st.live_status);
  self->attach_functor([metrics = st.peers.metrics, status = st.live_status] {
    if (!status->empty())
      metrics->live(*status, {});
  });
  tick_by(self, steady_clock::now() + options.idle);
  run_effects(self); // a recovered order resumes the step it was in
  return {
    [=](create_atom, const create_order& req) {
      return create(self, req);
    },
    [=](get_atom) -> order_view {
      return current_view(self);
    },
    [=](cancel_atom) {
      return cancel(self);
    },
    [=](wait_atom, int64_t deadline_ms) {
      return wait(self, deadline_ms);
    },
    [=](shipment_atom, const shipment_news& news) {
      shipment_seen(self, news);
      return true;
    },
    [=](step_atom, uint8_t raw) {
      auto e = static_cast<effect>(raw);
      self->state.in_flight.erase(e);
      run_effects(self);
    },
    [=](wait_atom, uint64_t token) {
      auto i = self->state.waiters.find(token);
      if (i != self->state.waiters.end()) {
        i->second.promise.deliver(current_view(self));
        self->state.waiters.erase(i);
      }
      maybe_passivate(self, false);
    },
    [=](tick_atom) {
      expire_attempts(self);
      if (!self->state.riders.empty() && !busy(self->state))
        flush_riders(self); // nothing else came to ride with
      run_effects(self);    // a safety net: nothing owed stays unstarted
      maybe_passivate(self, true);
      schedule_next_tick(self);
    },
  };
}

} // namespace

order_actor spawn_order(caf::actor_system& sys, std::string id,
                        std::vector<domain::order_event> journal, order_peers peers,
                        order_options options) {
  return caf::actor_cast<order_actor>(
    spawn_counted(sys, order, std::move(id), std::move(journal), std::move(peers), options));
}

} // namespace agora::actors
