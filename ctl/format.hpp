#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// What agoractl prints for people: aligned tables rendered from the door's JSON, and the numbers
// a live view derives from two samples. Pure functions: no I/O, tested on their own.
namespace agora::ctl {

using nlohmann::json;

/// Columns padded to their widest cell, two spaces apart; numbers are right-aligned.
std::string table(const std::vector<std::string>& headers,
                  const std::vector<std::vector<std::string>>& rows);

/// The `q` quantile (0..1) of the observations between two samples of a cumulative histogram
/// (bounds `le`, counts per bound then the total), interpolated within its bucket as
/// Prometheus' histogram_quantile does; empty when nothing was observed between them.
std::optional<double> quantile(const std::vector<double>& le, const std::vector<int64_t>& before,
                               const std::vector<int64_t>& after, double q);

/// "850ms", "12.5s", "3m20s", "2h05m": an age or a duration for a table cell.
std::string duration_text(int64_t ms);

/// A JSON value as a table cell: strings bare, null as "-".
std::string cell(const json& v);

// The screens of each command, from the door's answers.
std::string cluster_screen(const json& cluster);
std::string shards_screen(const json& shards);
std::string actors_screen(const json& page);
std::string order_screen(const json& order);
std::string replay_screen(const json& replay);
std::string mail_screen(const json& page);
/// `agoractl top`: orders/s and p99 per node between two /admin/stats samples (`before` may be
/// null: the first screen shows totals only), then the live actors by type.
std::string top_screen(const json& before, const json& now);

} // namespace agora::ctl
