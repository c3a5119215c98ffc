#include "persistence/fencing.hpp"

#include "persistence/sql.hpp"

namespace agora::persistence {

namespace {

// Distinct (kind, shard, epoch) of a batch, checked in (kind, shard) order so two batches lock
// lease rows in the same order.
const merge_spec fence_check{
  -100, "SELECT agora_fence(f.k, f.s, f.e) FROM (SELECT DISTINCT k, s, e FROM (VALUES ",
  ") AS v(k, s, e) ORDER BY k, s) AS f"};

} // namespace

void add_fence(write_job& job, std::string_view kind, const protocol::fence& token) {
  if (token.epoch == 0)
    return;
  job.rows.push_back({&fence_check, "(" + sql::lit(kind) + "::text, "
                                      + sql::lit(int64_t{token.shard}) + "::integer, "
                                      + sql::lit(static_cast<int64_t>(token.epoch)) + "::bigint)"});
}

} // namespace agora::persistence
