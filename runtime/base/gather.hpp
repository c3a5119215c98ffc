#pragma once

#include <caf/error.hpp>

#include <memory>
#include <vector>

namespace agora {

/// Asks every target at once: `ask(target)` sends one request and answers its response handle.
/// `all` gets every reply (in arrival order) once each target has answered; the first error goes
/// to `failed` instead, and later answers are dropped. No targets: `all` at once.
template <class Reply, class Targets, class Ask, class All, class Failed>
void gather(const Targets& targets, Ask ask, All all, Failed failed) {
  struct progress {
    std::vector<Reply> replies;
    size_t left = 0;
    bool over = false;
  };
  auto p = std::make_shared<progress>();
  p->left = std::size(targets);
  if (p->left == 0)
    return all(p->replies);
  for (auto& target : targets)
    ask(target).then(
      [=](Reply& reply) {
        if (p->over)
          return;
        p->replies.push_back(std::move(reply));
        if (--p->left == 0) {
          p->over = true;
          all(p->replies);
        }
      },
      [=](caf::error& err) {
        if (p->over)
          return;
        p->over = true;
        failed(err);
      });
}

} // namespace agora
