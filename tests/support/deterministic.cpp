#include "tests/support/deterministic.hpp"

#include "runtime/actor_system.hpp"

#include <caf/atom.hpp>

namespace agora::test {

deterministic::deterministic() {
  runtime::add_message_types(cfg_);
  cfg_.set("scheduler.policy", caf::atom("testing"));
  cfg_.set("logger.inline-output", true);
  cfg_.set("logger.console-verbosity", caf::atom("quiet"));
  cfg_.set("logger.file-verbosity", caf::atom("quiet"));
  sys_ = std::make_unique<caf::actor_system>(cfg_);
  sys_->await_actors_before_shutdown(false);
  sched_ = &dynamic_cast<caf::scheduler::test_coordinator&>(sys_->scheduler());
}

deterministic::~deterministic() {
  stop(); // the derived fixture should have stopped its actors already
}

void deterministic::stop() {
  sched_->clock().cancel_all(); // else the system's shutdown fires ticks that schedule ticks
  run();
}

size_t deterministic::run() {
  // Not test_coordinator::run(), which also fires every timer, however far ahead: an entity's
  // tick schedules the next one, so that never ends.
  size_t n = 0;
  while (sched_->try_run_once())
    ++n;
  return n;
}

void deterministic::advance(std::chrono::milliseconds d) {
  sched_->advance_time(d);
  run();
}

} // namespace agora::test
