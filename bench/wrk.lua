-- Drives one scenario for wrk: `wrk ... -s bench/wrk.lua URL -- METHOD BODY [HEADER...]`.
-- "{n}" in BODY becomes a number unique to the request (tokens that must not repeat).
-- With BENCH_NODES="127.0.0.1:8001,127.0.0.1:8002" in its environment, wrk's threads take
-- the servers in turn (two web nodes behind one load generator).
-- Prints one JSON line: requests, errors, bytes and latency percentiles in microseconds.
local threads = {}
local nodes = {}
for node in (os.getenv("BENCH_NODES") or ""):gmatch("[^,]+") do
  local host, port = node:match("^(.+):(%d+)$")
  table.insert(nodes, wrk.lookup(host, port)[1])
end

function setup(thread)
  thread:set("id", #threads + 1)
  if #nodes > 0 then
    thread.addr = nodes[(#threads % #nodes) + 1]
  end
  table.insert(threads, thread)
end

function init(args)
  wrk.method = args[1]
  body = args[2]
  for i = 3, #args do
    local name, value = args[i]:match("^([^:]+):%s*(.*)$")
    wrk.headers[name] = value
  end
  sent = 0
end

function request()
  sent = sent + 1
  if body == "" then
    return wrk.format()
  end
  local unique = string.format("%04d%08d", id, sent)
  return wrk.format(nil, nil, nil, (body:gsub("{n}", unique)))
end

-- A new session cookie replaces the one sent, as a browser does: signed-in pages refresh the
-- session's idle clock once a minute, and a cookie that never changed made every request
-- after the first minute save the session anew.
function response(status, headers, body)
  local set = headers["Set-Cookie"]
  if set == nil then
    return
  end
  local name, value = set:match("^([^=;]+)=([^;]*)")
  local parts, found = {}, false
  for pair in (wrk.headers["Cookie"] or ""):gmatch("[^;]+") do
    pair = pair:gsub("^%s+", "")
    if pair:match("^[^=]+") == name then
      pair, found = name .. "=" .. value, true
    end
    table.insert(parts, pair)
  end
  if not found then
    table.insert(parts, name .. "=" .. value)
  end
  wrk.headers["Cookie"] = table.concat(parts, "; ")
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "bytes": %d, "errors": %d, "status_errors": %d, ' ..
    '"p50": %d, "p95": %d, "p99": %d, "max": %d}\n',
    summary.requests, summary.duration / 1e6, summary.bytes,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
