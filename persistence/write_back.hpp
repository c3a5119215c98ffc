#pragma once

#include "actors/protocol/atoms.hpp"
#include "persistence/writer.hpp"

#include <caf/actor_cast.hpp>
#include <caf/error.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <caf/typed_response_promise.hpp>

#include <chrono>
#include <cstdint>
#include <unordered_map>
#include <utility>

// How a store actor answers after a group commit: the writer thread never touches an actor; it
// sends (written, token, error) to the store, which then delivers the waiting promise in its own
// context.
namespace agora::persistence {

/// Makes `job` tell `self` (written_atom, token, error) when the writer is done with it.
template <class Self>
void notify_when_written(Self* self, write_job& job, uint64_t token) {
  job.done = [me = caf::actor_cast<caf::actor>(self), token](const caf::error& err) {
    caf::anon_send(me, protocol::written_atom_v, token, err);
  };
}

/// A store front's detached workers stop when the front stops (the node stops only the front;
/// a link would not reach the workers of a CAF actor pool).
template <class Self, class Handle>
void stop_with(Self* self, Handle workers) {
  self->attach_functor([workers] {
    caf::anon_send_exit(workers, caf::exit_reason::user_shutdown);
  });
}

class write_back {
 public:
  /// Queues `job` on `w`; the promise is delivered when `self` handles the matching written_atom.
  template <class Self>
  caf::typed_response_promise<bool> submit(Self* self, writer& w, write_job job,
                                           std::string verify) {
    auto rp = self->template make_response_promise<bool>();
    auto token = ++next_;
    waiting_.emplace(token, rp);
    job.verify = std::move(verify);
    notify_when_written(self, job, token);
    w.submit(std::move(job));
    return rp;
  }

  /// The handler for (written_atom, token, error).
  void done(uint64_t token, const caf::error& err) {
    auto i = waiting_.find(token);
    if (i == waiting_.end())
      return;
    if (err)
      i->second.deliver(err);
    else
      i->second.deliver(true);
    waiting_.erase(i);
  }

 private:
  uint64_t next_ = 0;
  std::unordered_map<uint64_t, caf::typed_response_promise<bool>> waiting_;
};

/// The same for a store that answers a value: `value` once its job committed, or, when the job
/// failed (a row of the same key exists, or the commit is in doubt), whatever `fallback` (a
/// request to the store's detached workers, which answer the stored row) delivers.
template <class T>
class write_back_value {
 public:
  template <class Self>
  caf::typed_response_promise<T> submit(Self* self, writer& w, write_job job, T value) {
    auto rp = self->template make_response_promise<T>();
    auto token = ++next_;
    waiting_.emplace(token, std::make_pair(rp, std::move(value)));
    notify_when_written(self, job, token);
    w.submit(std::move(job));
    return rp;
  }

  /// The handler for (written_atom, token, error): on failure, `self` asks `fallback` with
  /// (xs..., value), waiting up to `timeout`, and answers what it answers.
  template <class Self, class Handle, class... Ts>
  void done(Self* self, uint64_t token, const caf::error& err, std::chrono::milliseconds timeout,
            const Handle& fallback, Ts... xs) {
    auto i = waiting_.find(token);
    if (i == waiting_.end())
      return;
    auto [rp, value] = std::move(i->second);
    waiting_.erase(i);
    if (!err) {
      rp.deliver(value);
      return;
    }
    self->request(fallback, timeout, xs..., value)
      .then(
        [rp](T& stored) mutable {
          rp.deliver(stored);
        },
        [rp](caf::error& e) mutable {
          rp.deliver(e);
        });
  }

 private:
  uint64_t next_ = 0;
  std::unordered_map<uint64_t, std::pair<caf::typed_response_promise<T>, T>> waiting_;
};

} // namespace agora::persistence
