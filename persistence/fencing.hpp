#pragma once

#include "actors/protocol/entity.hpp"
#include "persistence/writer.hpp"

#include <string_view>

// Fencing of entity writes: a job that carries a shard's lease epoch is refused by the database,
// in its own transaction, once the shard's lease has moved on (agora_fence() of migration 011).
namespace agora::persistence {

/// Adds the fence check of `token` (shard `token.shard` of `kind` at `token.epoch`) to `job`; it
/// runs before every other row of the batch. Epoch 0 (a write without a lease: tools, tests of a
/// store alone) adds nothing.
void add_fence(write_job& job, std::string_view kind, const protocol::fence& token);

} // namespace agora::persistence
