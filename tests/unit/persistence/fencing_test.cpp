#include "persistence/fencing.hpp"

#include <catch2/catch.hpp>

using namespace agora;

TEST_CASE("a batch checks each shard's fence once, in one order, before its rows", "[fencing]") {
  static const persistence::merge_spec row{1, "INSERT INTO t VALUES ", ""};
  std::deque<persistence::write_job> batch;
  auto job = [&](const char* kind, uint32_t shard, uint64_t epoch, int id) {
    persistence::write_job j;
    persistence::add_fence(j, kind, protocol::fence{shard, epoch});
    j.rows.push_back({&row, "(" + std::to_string(id) + ")"});
    batch.push_back(std::move(j));
  };
  job("orders", 7, 3, 1);
  job("inventory", 2, 5, 2);
  job("orders", 7, 3, 3); // the same shard and epoch again: checked once
  job("orders", 12, 1, 4);
  job("orders", 0, 0, 5); // epoch 0: a write without a lease, no check
  CHECK(persistence::writer::batch_sql(batch)
        == "SELECT agora_fence('inventory', 2, 5::bigint), agora_fence('orders', 12, 1::bigint), "
           "agora_fence('orders', 7, 3::bigint);\n"
           "INSERT INTO t VALUES (1), (2), (3), (4), (5);\n");
}
