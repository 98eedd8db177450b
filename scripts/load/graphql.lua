-- wrk script: POSTs a GraphQL query with a random point inside Kota Baubau's
-- bounding box on every request, so no answer is served from a cache. With
-- POINTS (env) naming a file of "lon lat" lines (`serasi generate --points`,
-- e.g. over the national boundaries) the points come from it instead, in
-- order from a place that differs per thread.
-- QUERY (env) picks the query: kelurahanAt, near, nearest, or their
-- PostGraphile twins pg_kelurahanAt, pg_near, pg_nearest. The baseline run
-- uses this same script, so both servers get the same request stream.
local queries = {
  kelurahanAt = 'query($lon:Float!,$lat:Float!){kelurahanAt(lon:$lon,lat:$lat){code name}}',
  near = 'query($lon:Float!,$lat:Float!){projects(filter:{near:{lon:$lon,lat:$lat,radiusMeters:500}},first:20){totalCount edges{distanceMeters node{projectId kind}}}}',
  nearest = 'query($lon:Float!,$lat:Float!){nearestProjects(lon:$lon,lat:$lat,limit:10){distanceMeters project{projectId kind}}}',
  -- The same three questions put to PostGraphile 4 over the SQL functions of
  -- scripts/load/postgraphile/bench.sql (scripts/load/postgraphile/run).
  pg_kelurahanAt = 'query($lon:Float!,$lat:Float!){kelurahanAt(lon:$lon,lat:$lat){code name}}',
  pg_near = 'query($lon:Float!,$lat:Float!){projectsNear(lon:$lon,lat:$lat,radius:500,first:20){totalCount nodes{distanceMeters project{id kind}}}}',
  pg_nearest = 'query($lon:Float!,$lat:Float!){nearestProjects(lon:$lon,lat:$lat,lim:10){nodes{distanceMeters project{id kind}}}}',
}
local name = os.getenv("QUERY") or "kelurahanAt"
local q = queries[name]
if q == nil then error("unknown QUERY " .. name) end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/graphql-response+json"

local thread_id = 0
function setup(thread)
  thread_id = thread_id + 1
  thread:set("seed", thread_id)
end

local points, next_point = nil, 1
function init(args)
  math.randomseed(seed or 1)
  local path = os.getenv("POINTS")
  if path and path ~= "" then
    points = {}
    for line in io.lines(path) do
      local lon, lat = line:match("^(%S+) (%S+)$")
      if lon then points[#points + 1] = {tonumber(lon), tonumber(lat)} end
    end
    if #points == 0 then error("no points in " .. path) end
    next_point = 1 + ((seed or 1) - 1) * 7919 % #points
  end
end

function request()
  local lon, lat
  if points then
    lon, lat = points[next_point][1], points[next_point][2]
    next_point = next_point % #points + 1
  else
    -- The land part of the city: 122.52..122.72 E, 5.58..5.35 S.
    lon = 122.52 + math.random() * 0.20
    lat = -5.58 + math.random() * 0.23
  end
  local body = string.format('{"query":"%s","variables":{"lon":%.6f,"lat":%.6f}}', q, lon, lat)
  return wrk.format(nil, nil, nil, body)
end

-- With VERIFY set, every answer is checked (scripts/load/run does a short
-- verifying pass first). Otherwise there is no response() hook: a Lua
-- callback per response would slow wrk itself and skew the comparison.
if os.getenv("VERIFY") then
  function response(status, headers, body)
    if status ~= 200 or string.find(body, '"errors"', 1, true) then
      io.stderr:write("BAD RESPONSE ", status, " ", body:sub(1, 300), "\n")
    end
  end
end

function done(summary, latency, requests)
  io.write(string.format("RESULT rps=%.0f p50_ms=%.3f p99_ms=%.3f non2xx=%d errors=%d requests=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.requests))
end
