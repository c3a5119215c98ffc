#include "persistence/fencing.hpp"

#include "persistence/sql.hpp"

namespace agora::persistence {

namespace {

// One call per distinct (kind, shard, epoch) of a batch, in one order for every writer, so two
// batches lock lease rows in the same order. A target list of calls, without FROM: nothing for
// the planner to do, where a DISTINCT over VALUES cost a plan per group commit.
const merge_spec fence_check{-100, "SELECT ", "", true};

} // namespace

void add_fence(write_job& job, std::string_view kind, const protocol::fence& token) {
  if (token.epoch == 0)
    return;
  job.rows.push_back({&fence_check, "agora_fence(" + sql::lit(kind) + ", "
                                      + sql::lit(int64_t{token.shard}) + ", "
                                      + sql::lit(static_cast<int64_t>(token.epoch)) + "::bigint)"});
}

} // namespace agora::persistence
