-- wrk request stream for scripts/load/peers/run.
--   FIXED=/path           every request asks for the same path
--   WALK=1 PREFIX=/tiles/projects/17/ SUFFIX=.mvt X0= Y0= COLS= ROWS=
--                         walks over COLS x ROWS tiles from (X0, Y0), each
--                         thread from its own place, so that every request of
--                         a run asks for a different tile until the walk wraps
-- VERIFY=1 reports any answer that is not 200 on stderr.
local fixed = os.getenv("FIXED")
local prefix, suffix = os.getenv("PREFIX"), os.getenv("SUFFIX")
local x0, y0 = tonumber(os.getenv("X0") or 0), tonumber(os.getenv("Y0") or 0)
local cols, rows = tonumber(os.getenv("COLS") or 1), tonumber(os.getenv("ROWS") or 1)

local thread_id = 0
function setup(thread)
  thread:set("tid", thread_id)
  thread_id = thread_id + 1
end

local i = 0
function init(args)
  -- Two threads start half a walk apart.
  i = (tid or 0) * math.floor(cols * rows / 2)
end

function request()
  if fixed then
    return wrk.format(nil, fixed)
  end
  local k = i % (cols * rows)
  i = i + 1
  local x = x0 + (k % cols)
  local y = y0 + math.floor(k / cols)
  return wrk.format(nil, prefix .. x .. "/" .. y .. suffix)
end

if os.getenv("VERIFY") then
  function response(status, headers, body)
    if status ~= 200 then
      io.stderr:write("BAD RESPONSE ", status, " ", body:sub(1, 300), "\n")
    end
  end
end

function done(summary, latency, requests)
  io.write(string.format("RESULT rps=%.0f p50_ms=%.3f p99_ms=%.3f non2xx=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
