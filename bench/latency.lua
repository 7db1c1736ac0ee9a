-- Print the figures run_benchmark.py reads: requests, seconds, non-2xx/3xx, p50/p95/p99 in ms.
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %d %.3f %d %.2f %.2f %.2f\n", summary.requests,
    summary.duration / 1e6, errors, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
