#include "http/session_cache.hpp"

#include "runtime/base/clock.hpp"

namespace agora::http {

session_cache::session_cache(std::shared_ptr<bridge_pool> bridges,
                             protocol::account_store_actor store,
                             std::chrono::milliseconds ask_timeout, std::chrono::seconds fresh_for,
                             size_t capacity)
  : bridges_(std::move(bridges)), store_(std::move(store)), ask_timeout_(ask_timeout),
    fresh_for_(fresh_for), capacity_(capacity) {}

void session_cache::find(const std::string& digest,
                         std::function<void(std::optional<protocol::account>)> done,
                         std::function<void()> unavailable) {
  std::optional<protocol::account> hit;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    auto i = entries_.find(digest);
    if (i != entries_.end()) {
      if (std::chrono::steady_clock::now() - i->second.fetched < fresh_for_
          && i->second.info.expires_at_ms > unix_ms())
        hit = i->second.info.who;
      else
        entries_.erase(i);
    }
  }
  if (hit) // outside the lock: the handler it runs may sign out, which forgets this entry
    return done(std::move(*hit));
  bridge(*bridges_, [=](caf::event_based_actor* self) {
    self->request(store_, ask_timeout_, protocol::session_atom_v, digest)
      .then(
        [=](protocol::session_info& info) {
          remember(digest, info);
          done(info.who);
        },
        [=](caf::error& err) {
          if (err == protocol::errc::unauthenticated)
            return done(std::nullopt);
          unavailable();
        });
  });
}

void session_cache::remember(const std::string& digest, const protocol::session_info& info) {
  std::lock_guard<std::mutex> guard{mutex_};
  if (entries_.size() >= capacity_)
    entries_.clear();
  entries_[digest] = {info, std::chrono::steady_clock::now()};
}

void session_cache::forget(const std::string& digest) {
  std::lock_guard<std::mutex> guard{mutex_};
  entries_.erase(digest);
}

} // namespace agora::http
