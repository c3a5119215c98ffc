#pragma once

#include <caf/actor_clock.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

namespace agora::actors::entity {

using time_point = caf::actor_clock::time_point;

/// The effects an entity has under way: each attempt with its token and deadline, the effects
/// backing off after a failure, their failures so far, and those whose news comes by itself in
/// this activation (standing: not performed again). The entity host asks; it decides nothing.
template <class Effect>
class attempts {
 public:
  /// Whether `e` may start: not under way, backing off or standing.
  bool free(Effect e) const {
    return running_.count(e) == 0 && backing_off_.count(e) == 0 && standing_.count(e) == 0;
  }

  /// Starts an attempt of `e`; answers its token.
  uint64_t start(Effect e, time_point now, time_point deadline, uint64_t token) {
    running_[e] = {token, now, deadline};
    return token;
  }

  /// Ends attempt `token` of `e`, answering how long it ran (seconds), or nothing when it is not
  /// the one under way (finished, failed or timed out before).
  std::optional<double> end(Effect e, uint64_t token, time_point now) {
    auto i = running_.find(e);
    if (i == running_.end() || i->second.token != token)
      return std::nullopt;
    auto ran = std::chrono::duration<double>(now - i->second.started).count();
    running_.erase(i);
    return ran;
  }

  /// `e` succeeded; `follows` stands from now on.
  void succeeded(Effect e, std::optional<Effect> follows) {
    failures_.erase(e);
    if (follows)
      standing_.insert(*follows);
  }

  /// `e` failed once more: how often it has failed in a row.
  int failed(Effect e) {
    return ++failures_[e];
  }

  void back_off(Effect e, time_point until) {
    backing_off_[e] = until;
  }

  /// Attempts past their deadline: (effect, token).
  std::vector<std::pair<Effect, uint64_t>> late(time_point now) const {
    std::vector<std::pair<Effect, uint64_t>> out;
    for (auto& [e, a] : running_)
      if (a.deadline <= now)
        out.emplace_back(e, a.token);
    return out;
  }

  /// Ends the backoffs that are over.
  void resume_due(time_point now) {
    for (auto i = backing_off_.begin(); i != backing_off_.end();)
      i = i->second <= now ? backing_off_.erase(i) : std::next(i);
  }

  /// The earliest deadline or end of a backoff, if before `when`.
  time_point next(time_point when) const {
    for (auto& [e, a] : running_)
      when = std::min(when, a.deadline);
    for (auto& [e, at] : backing_off_)
      when = std::min(when, at);
    return when;
  }

  /// Nothing under way or backing off.
  bool idle() const {
    return running_.empty() && backing_off_.empty();
  }

 private:
  struct attempt {
    uint64_t token = 0;
    time_point started;
    time_point deadline;
  };

  std::map<Effect, attempt> running_;
  std::map<Effect, time_point> backing_off_;
  std::map<Effect, int> failures_;
  std::set<Effect> standing_;
};

} // namespace agora::actors::entity
