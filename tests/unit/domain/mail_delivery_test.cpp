#include "actors/domain/mail_delivery.hpp"

#include <catch2/catch.hpp>

using namespace agora::domain;
using namespace std::chrono_literals;

TEST_CASE("retry delays double per attempt, with jitter within the upper half, up to the cap",
          "[domain][mail]") {
  retry_policy p{8, 1000ms, 10000ms};
  CHECK(backoff_delay(1, p, 0.0) == 500ms);
  CHECK(backoff_delay(1, p, 1.0) == 1000ms);
  CHECK(backoff_delay(2, p, 0.0) == 1000ms);
  CHECK(backoff_delay(3, p, 0.5) == 3000ms);
  CHECK(backoff_delay(30, p, 1.0) == 10000ms); // capped, no overflow
  CHECK(backoff_delay(30, p, 0.0) == 5000ms);
  CHECK(backoff_delay(2, p, 7.0) == 2000ms); // jitter is clamped
}

TEST_CASE("an attempt's outcome decides the row's next state", "[domain][mail]") {
  retry_policy p{3, 100ms, 1000ms};
  CHECK(decide_delivery(delivery_outcome::sent, 1, p, 0).action == delivery_action::mark_sent);
  auto again = decide_delivery(delivery_outcome::transient, 1, p, 0);
  CHECK(again.action == delivery_action::retry);
  CHECK(again.delay == 50ms);
  CHECK(decide_delivery(delivery_outcome::rejected, 2, p, 1).action == delivery_action::retry);
  CHECK(decide_delivery(delivery_outcome::transient, 3, p, 0).action
        == delivery_action::mark_failed);
  CHECK(decide_delivery(delivery_outcome::rejected, 3, p, 0).action
        == delivery_action::mark_failed);
  // A dead server never uses up a mail's attempts, however many it had.
  auto deferred = decide_delivery(delivery_outcome::unavailable, 3, p, 0);
  CHECK(deferred.action == delivery_action::defer);
  CHECK(deferred.delay == 50ms);
}
