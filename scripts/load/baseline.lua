-- wrk script for cmd/httpbaseline: the same request shape as graphql.lua.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"query":"query($lon:Float!,$lat:Float!){kelurahanAt(lon:$lon,lat:$lat){code name}}","variables":{"lon":122.6077,"lat":-5.456}}'

function done(summary, latency, requests)
  io.write(string.format("RESULT rps=%.0f p50_ms=%.3f p99_ms=%.3f non2xx=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
