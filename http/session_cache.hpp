#pragma once

#include "actors/protocol/accounts.hpp"
#include "http/actor_bridge.hpp"
#include "http/caller.hpp"

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace agora::http {

/// Sessions as the door sees them: a lookup is a memory hit while the entry is younger than
/// `fresh_for` (and the session not expired); a miss or a stale entry asks the account store.
/// A sign-out through this node forgets the entry at once; other nodes notice a revocation
/// within `fresh_for`. Bounded: at `capacity` entries it starts again empty.
class session_cache final : public session_lookup {
 public:
  session_cache(std::shared_ptr<bridge_pool> bridges, protocol::account_store_actor store,
                std::chrono::milliseconds ask_timeout, std::chrono::seconds fresh_for,
                size_t capacity = 100000);

  void find(const std::string& digest, std::function<void(std::optional<protocol::account>)> done,
            std::function<void()> unavailable) override;

  /// Remembers a session just opened (the token's owner will use it next).
  void remember(const std::string& digest, const protocol::session_info& info);

  /// Forgets a session (signed out here).
  void forget(const std::string& digest);

 private:
  struct entry {
    protocol::session_info info;
    std::chrono::steady_clock::time_point fetched;
  };

  std::shared_ptr<bridge_pool> bridges_;
  protocol::account_store_actor store_;
  std::chrono::milliseconds ask_timeout_;
  std::chrono::seconds fresh_for_;
  size_t capacity_;
  std::mutex mutex_;
  std::unordered_map<std::string, entry> entries_;
};

} // namespace agora::http
