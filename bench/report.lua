-- Shared by the bench scripts: one JSON line with throughput and latency percentiles.
local M = {}

function M.done(name)
  return function(summary, latency, requests)
    local seconds = summary.duration / 1e6
    local errors = summary.errors.status + summary.errors.connect + summary.errors.read
                   + summary.errors.write + summary.errors.timeout
    io.write(string.format(
      '{"name":"%s","requests":%d,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"errors":%d}\n',
      name, summary.requests, summary.requests / seconds, latency:percentile(50) / 1000,
      latency:percentile(99) / 1000, errors))
  end
end

return M
