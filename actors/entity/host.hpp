#pragma once

#include "actors/entity/attempts.hpp"
#include "actors/protocol/entity.hpp"
#include "runtime/base/check.hpp"

#include <caf/actor_clock.hpp>
#include <caf/error.hpp>
#include <caf/response_promise.hpp>
#include <caf/sec.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

// The one place that owns a keyed, journaled entity's life (an order, an inventory shard). A pure
// domain Model says what commands decide, how events change the state and which effects a state
// owes; a Port, written by the entity's actor file, wires that to messages. The host in between:
//
// - keeps two states: `durable` (what the store has) and `ahead` (durable plus the events still on
//   their way to the store). Commands decide one at a time, in arrival order, against `ahead`, so
//   a command does not wait for the write before it; their events form the next write, sent when
//   fewer than `max_writes` are in flight (its store sees an entity's writes in order).
// - answers a command once its events, and every event decided before it, are durable, from the
//   durable state; a failed write fails the commands it held, and everything decided on top of it
//   decides again once the port has recovered the durable state.
// - performs the effects that the durable state owes and `ahead` still owes (one not yet recorded
//   by an event on its way), each attempt with a token and a deadline on the entity's own tick;
//   answers to an abandoned attempt change nothing. Failures retry after the Model's backoff or,
//   when it gives up, decide its give-up command.
// - lets a decision consult another actor first (holding the commands behind it), rides events
//   that only record an idempotent effect's completion on the next write, answers waiters when
//   the state is what they wait for, passivates when idle or settled, and for a handoff stops
//   taking commands, lands its writes and hands the commands it holds to the port.
//
// Model: the state, event, command, decision and effect types, and the policies of
//   domain/entity_model.hpp (consults, owed, settled, exists, awaited, retry, gave_up,
//   subscribes, rides, housekeeping); apply(state&, event) and decide(state, command, now_ms)
//   are found next to the state (by argument-dependent lookup), and a decision has `events`.
// Port (members): now(), wall_ms(), tick_at(time_point), persist(events, batch, durable, after),
//   perform(effect, token, durable), consult(effect, token, ahead), answer(pending&, durable,
//   error), answer_await(promise&, durable), applied(batch, durable), step_ended(effect,
//   seconds, failures, error), recover(error), stop(), hand_on(queue, promise). A batch is the
//   commands of one write, each with its decision (and so its events).
namespace agora::actors::entity {

struct options {
  std::chrono::milliseconds step_timeout{5000}; ///< one effect attempt's deadline
  std::chrono::milliseconds idle{60000};        ///< passivate after this long without a command
  bool passivate = true;                        ///< false: the entity lives until it is stopped
  /// Writes in flight at once. 1 (an order: its journal numbers its events in order); more lets
  /// an entity that many commands share (a shard) keep its store busy while a write lands.
  size_t max_writes = 1;
};

/// A command: waiting to decide, or decided and waiting until its events are durable.
template <class Model>
struct pending {
  typename Model::command command;
  caf::response_promise promise; ///< not pending for the entity's own commands
  typename Model::decision decision{};
  std::optional<typename Model::effect> source{}; ///< the effect whose answer this is
  bool rides = false; ///< its events may wait for a write that is sent anyway
};

template <class Model, class Port>
class host {
 public:
  using state = typename Model::state;
  using event = typename Model::event;
  using command = typename Model::command;
  using effect = typename Model::effect;
  using item = pending<Model>;

  host(Port port, options opts, protocol::fence token)
    : port_(std::move(port)), opts_(opts), fence_(token) {}

  /// Starts the entity from its journal's (or snapshot's) state and resumes what it owes.
  void activate(state s) {
    durable_ = s;
    ahead_ = std::move(s);
    last_active_ = port_.now();
    tick_by(last_active_ + opts_.idle);
    run_effects();
  }

  const state& durable() const {
    return durable_;
  }
  const protocol::fence& fence() const {
    return fence_;
  }
  Port& port() {
    return port_;
  }

  /// A command from outside; `rp` gets the port's answer once it is durable.
  void submit(command c, caf::response_promise rp) {
    enqueue(item{std::move(c), std::move(rp)});
  }

  /// Answers `rp` (from the durable state) once Model::awaited holds or at `deadline`.
  void await(time_point deadline, caf::response_promise rp) {
    if (Model::awaited(durable_) || deadline <= port_.now())
      return port_.answer_await(rp, durable_);
    waiters_.push_back({deadline, std::move(rp)});
    tick_by(deadline);
  }

  /// Applies a change made durable elsewhere (e.g. a product the catalog wrote) to both states.
  template <class Change>
  void amend(Change change) {
    change(durable_);
    change(ahead_);
  }

  /// The oldest write sent by Port::persist has landed (`err` empty) or failed (a port answers
  /// its writes in the order it sent them).
  void persisted(const caf::error& err) {
    AGORA_CHECK_MSG(!in_flight_.empty(), "a write landed that was never sent");
    auto batch = std::move(in_flight_.front());
    in_flight_.pop_front();
    if (err && !failure_)
      failure_ = err;
    if (err) {
      for (auto& it : batch)
        answer(it, err);
    } else {
      for (auto& it : batch)
        for (auto& e : it.decision.events)
          apply(durable_, e);
      port_.applied(batch, durable_);
      for (auto& it : batch)
        answer(it);
    }
    if (failure_)
      return in_flight_.empty() ? write_failed() : void();
    after_landing();
  }

  /// After a failed write: the durable state as the store now has it.
  void recovered(state s) {
    durable_ = s;
    ahead_ = std::move(s);
    recovering_ = false;
    run_effects();
    pump();
    maybe_passivate(false);
  }

  /// Attempt `token` of `e` was answered; its answer decides as `c`.
  void completed(effect e, uint64_t token, command c) {
    auto ran = end_attempt(e, token);
    if (!ran)
      return;
    port_.step_ended(e, *ran, 0, {});
    effects_.succeeded(e, Model::subscribes(e));
    enqueue(item{std::move(c), {}, {}, e});
  }

  /// Attempt `token` of `e` failed (or passed its deadline): retry after the Model's backoff, or
  /// decide its give-up command.
  void failed(effect e, uint64_t token, const caf::error& err) {
    auto ran = end_attempt(e, token);
    if (!ran)
      return;
    auto failures = effects_.failed(e);
    port_.step_ended(e, *ran, failures, err);
    auto next = Model::retry(e, failures);
    if (next.give_up)
      return enqueue(item{Model::gave_up(e), {}});
    auto at = port_.now() + next.delay;
    effects_.back_off(e, at);
    tick_by(at);
  }

  /// The consultation `token` came back; the command that asked for it decides again as `c`.
  void consulted(uint64_t token, command c) {
    if (!consulting_ || token != consult_token_)
      return;
    auto it = std::move(*consulting_);
    consulting_.reset();
    it.command = std::move(c);
    queue_.push_front(std::move(it));
    if (phase_ == phase::handing_off)
      return finish_handoff();
    pump();
  }

  /// Stops taking commands, lands every decided event, then hands the commands not yet decided
  /// to Port::hand_on with `rp`.
  void hand_off(caf::response_promise rp) {
    if (phase_ != phase::running)
      return (void)rp.deliver(caf::make_error(caf::sec::request_receiver_down));
    phase_ = phase::handing_off;
    handoff_ = std::move(rp);
    flush(true);
    finish_handoff();
  }

  /// The entity's own timer: deadlines, backoffs, riders, housekeeping, idleness.
  void tick() {
    auto now = port_.now();
    if (now >= next_tick_)
      next_tick_ = time_point::max();
    expire_attempts(now);
    effects_.resume_due(now);
    answer_expired_waiters(now);
    flush(true); // riders waited long enough for company
    amend([&](state& s) {
      Model::housekeeping(s, port_.wall_ms());
    });
    run_effects();
    maybe_passivate(true);
    if (phase_ != phase::stopped)
      tick_by(next_deadline(now));
  }

  /// Whether anything is under way (queued, deciding, writing, running or backing off).
  bool busy() const {
    return !in_flight_.empty() || !next_.empty() || !queue_.empty() || consulting_ || recovering_
           || !effects_.idle() || !waiters_.empty();
  }

 private:
  enum class phase { running, handing_off, stopped };

  struct waiter {
    time_point deadline;
    caf::response_promise promise;
  };

  void enqueue(item it) {
    last_active_ = port_.now();
    queue_.push_back(std::move(it));
    pump();
  }

  /// Decides queued commands one at a time, in order, until one consults, one waits for a write
  /// in flight, or none is left.
  void pump() {
    while (phase_ == phase::running && !recovering_ && !consulting_ && !queue_.empty()) {
      if (Model::waits(queue_.front().command, durable_, ahead_))
        break; // it needs a fact still on its way: it decides once that has landed
      auto it = std::move(queue_.front());
      queue_.pop_front();
      it.decision = decide(ahead_, it.command, port_.wall_ms());
      if (auto first = Model::consults(it.decision)) {
        consulting_ = std::move(it);
        consult_token_ = ++next_token_;
        port_.consult(*first, consult_token_, ahead_);
        break;
      }
      take(std::move(it));
    }
    flush(false);
  }

  /// A decided command: its events apply ahead and join the next write; it is answered when
  /// they (and all before them) are durable. Events that ride wait for a write that is sent
  /// anyway.
  void take(item it) {
    auto& events = it.decision.events;
    it.rides = it.source && Model::rides(*it.source, ahead_);
    for (auto& e : events)
      apply(ahead_, e);
    if (!events.empty() && !it.rides)
      urgent_ = true;
    if (events.empty() && in_flight_.empty() && !urgent_)
      return answer(it); // nothing it depends on is on its way
    next_.push_back(std::move(it));
  }

  /// Sends the next write when fewer than `max_writes` are in flight and it holds an event that
  /// may not wait (`force`: riders too). When none is in flight, commands without events that
  /// only riders precede are answered first.
  void flush(bool force) {
    if (in_flight_.size() >= opts_.max_writes || recovering_ || failure_)
      return;
    for (auto i = next_.begin(); in_flight_.empty() && i != next_.end();) {
      if (!i->decision.events.empty()) {
        if (!i->rides)
          break;
        ++i;
        continue;
      }
      answer(*i);
      i = next_.erase(i);
    }
    if (next_.empty() || !(urgent_ || force))
      return;
    in_flight_.push_back(std::move(next_));
    next_.clear();
    urgent_ = false;
    std::vector<event> events;
    for (auto& it : in_flight_.back())
      for (auto& e : it.decision.events)
        events.push_back(e);
    // ahead_ is the state once every write in flight, this one last, has landed.
    port_.persist(std::move(events), in_flight_.back(), durable_, ahead_);
  }

  void after_landing() {
    wake_waiters();
    if (phase_ == phase::handing_off) {
      flush(true);
      return finish_handoff();
    }
    run_effects();
    pump();
    maybe_passivate(false);
  }

  /// A write failed, and the writes sent after it have landed or failed too: what was decided but
  /// not sent decides again once the port has the durable state back (riders' effects run again
  /// and answer the same).
  void write_failed() {
    auto err = std::move(failure_);
    failure_ = caf::error{};
    for (auto i = next_.rbegin(); i != next_.rend(); ++i)
      queue_.push_front(item{std::move(i->command), std::move(i->promise), {}, i->source});
    next_.clear();
    urgent_ = false;
    recovering_ = true;
    if (phase_ == phase::handing_off)
      phase_ = phase::running; // the handoff fails with the write; the caller asks again
    if (handoff_.pending())
      handoff_.deliver(err);
    port_.recover(err);
  }

  void answer(item& it, const caf::error& err = {}) {
    if (it.promise.pending())
      port_.answer(it, durable_, err);
  }

  void finish_handoff() {
    if (phase_ != phase::handing_off || !in_flight_.empty() || !next_.empty() || consulting_)
      return;
    phase_ = phase::stopped;
    for (auto& w : waiters_)
      port_.answer_await(w.promise, durable_);
    waiters_.clear();
    port_.hand_on(queue_, handoff_);
  }

  /// Starts every effect the durable state owes that `ahead` still owes, that is not under way,
  /// backing off, or standing (its news comes by itself in this activation).
  void run_effects() {
    if (phase_ != phase::running || recovering_)
      return;
    auto owed = Model::owed(durable_);
    if (owed.empty())
      return;
    auto still = !in_flight_.empty() || !next_.empty() ? Model::owed(ahead_) : owed;
    for (auto e : owed) {
      if (!effects_.free(e) || std::find(still.begin(), still.end(), e) == still.end())
        continue;
      auto now = port_.now();
      auto token = effects_.start(e, now, now + opts_.step_timeout, ++next_token_);
      tick_by(now + opts_.step_timeout);
      port_.perform(e, token, durable_);
    }
  }

  /// Ends attempt `token` of `e` (nothing once the entity stopped).
  std::optional<double> end_attempt(effect e, uint64_t token) {
    if (phase_ == phase::stopped)
      return std::nullopt;
    return effects_.end(e, token, port_.now());
  }

  void expire_attempts(time_point now) {
    for (auto& [e, token] : effects_.late(now))
      failed(e, token, caf::make_error(caf::sec::request_timeout));
  }

  void wake_waiters() {
    if (waiters_.empty() || !Model::awaited(durable_))
      return;
    for (auto& w : waiters_)
      port_.answer_await(w.promise, durable_);
    waiters_.clear();
  }

  void answer_expired_waiters(time_point now) {
    for (auto i = waiters_.begin(); i != waiters_.end();) {
      if (i->deadline > now) {
        ++i;
        continue;
      }
      port_.answer_await(i->promise, durable_);
      i = waiters_.erase(i);
    }
  }

  /// Passivates when nothing is under way and the entity is settled, gone, or (on a tick) idle.
  void maybe_passivate(bool idle_check) {
    if (!opts_.passivate || phase_ != phase::running || busy())
      return;
    bool idle = idle_check && port_.now() - last_active_ >= opts_.idle;
    if (Model::settled(durable_) || idle || !Model::exists(durable_)) {
      phase_ = phase::stopped;
      port_.stop();
    }
  }

  /// The next tick: the earliest deadline, backoff or waiter, or after the idle time.
  time_point next_deadline(time_point now) const {
    auto when = effects_.next(now + opts_.idle);
    for (auto& w : waiters_)
      when = std::min(when, w.deadline);
    return when;
  }

  /// Makes sure a tick comes by `when` (a spare one is harmless).
  void tick_by(time_point when) {
    if (when >= next_tick_)
      return;
    next_tick_ = std::max(when, port_.now());
    port_.tick_at(next_tick_);
  }

  Port port_;
  options opts_;
  protocol::fence fence_;
  phase phase_ = phase::running;
  state durable_;
  state ahead_;
  std::deque<item> queue_;                 ///< not yet decided
  std::deque<item> next_;                  ///< decided; their events form the next write
  std::deque<std::deque<item>> in_flight_; ///< the writes sent, oldest first
  caf::error failure_;  ///< a write failed: the rest in flight land before the port recovers
  bool urgent_ = false; ///< next_ holds an event that may not wait
  bool recovering_ = false;
  std::optional<item> consulting_;
  uint64_t consult_token_ = 0;
  uint64_t next_token_ = 0;
  attempts<effect> effects_;
  std::vector<waiter> waiters_;
  caf::response_promise handoff_;
  time_point last_active_{};
  time_point next_tick_ = time_point::max();
};

} // namespace agora::actors::entity
