#include "http/rate_limit.hpp"

#include <catch2/catch.hpp>

using namespace agora::http;
using namespace std::chrono;

TEST_CASE("rates parse as N per unit with an optional burst, or off", "[rate]") {
  std::string error;
  auto r = parse_rate("2/s:20", error);
  REQUIRE(r);
  CHECK(r->per_second == 2);
  CHECK(r->burst == 20);
  auto per_minute = parse_rate("30/min", error);
  REQUIRE(per_minute);
  CHECK(per_minute->per_second == Approx(0.5));
  CHECK(per_minute->burst == 30);
  CHECK(parse_rate("3600/h", error)->per_second == Approx(1));
  CHECK_FALSE(parse_rate("off", error)->limited());
  for (auto bad : {"", "5", "5/day", "0/s", "-1/s", "x/s", "5/s:", "5/s:0", "5/s:x"})
    CHECK_FALSE(parse_rate(bad, error));
}

TEST_CASE("a bucket lets its burst through, then refills at its rate", "[rate]") {
  rate_limiter limit{rate{2, 5}};
  auto t0 = steady_clock::time_point{} + hours{1};
  for (int i = 0; i < 5; ++i)
    CHECK(limit.take("a", t0) == 0);
  auto wait = limit.take("a", t0);
  CHECK(wait == Approx(0.5));      // the next token in half a second
  CHECK(limit.take("b", t0) == 0); // another key has its own bucket
  CHECK(limit.wait("a", t0 + milliseconds{499}) > 0);
  CHECK(limit.take("a", t0 + milliseconds{500}) == 0);
  CHECK(limit.take("a", t0 + milliseconds{500}) > 0);
  // Idle time refills up to the burst, not beyond.
  int allowed = 0;
  while (limit.take("a", t0 + hours{1}) == 0)
    ++allowed;
  CHECK(allowed == 5);
}

TEST_CASE("an unlimited rate takes nothing, and memory stays bounded", "[rate]") {
  rate_limiter open{rate{}};
  for (int i = 0; i < 1000; ++i)
    CHECK(open.take("a") == 0);
  rate_limiter limit{rate{1, 1}, 160};
  auto t0 = steady_clock::time_point{} + hours{1};
  for (int i = 0; i < 10000; ++i)
    limit.take("k" + std::to_string(i), t0);
  // A key seen long ago and refilled is forgotten or full: it is never wrongly refused.
  CHECK(limit.take("k1", t0 + seconds{5}) == 0);
}
