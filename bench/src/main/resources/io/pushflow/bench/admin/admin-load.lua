-- The requests of bin/pushflow bench admin for wrk. AdminBench puts `kinds` and `headers` above this text:
-- kinds = { { name = "...", weight = n, method = "GET", unique = false, targets = { { path, body or false }, ... } }, ... }
-- A request is one kind drawn by weight, then one of its targets at random; a unique kind's body gets a name of its
-- own in place of @@NAME@@. done() prints one line, "WRK_JSON {...}", that AdminBench reads.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

local drawn
local total = 0
local made = 0

function init(args)
  math.randomseed(id * 7919 + os.time())
  statuses = {}
  sent = {}
  drawn = {}
  for _, k in ipairs(kinds) do
    total = total + k.weight
    local d = { name = k.name, method = k.method, unique = k.unique, upTo = total, targets = k.targets, requests = {} }
    if not k.unique then
      for i, t in ipairs(k.targets) do
        d.requests[i] = wrk.format(k.method, t[1], headers, t[2] or nil)
      end
    end
    sent[k.name] = 0
    table.insert(drawn, d)
  end
end

function request()
  local r = math.random() * total
  local d = drawn[#drawn]
  for _, candidate in ipairs(drawn) do
    if r < candidate.upTo then
      d = candidate
      break
    end
  end
  sent[d.name] = sent[d.name] + 1
  local i = math.random(#d.targets)
  if d.unique then
    made = made + 1
    local name = string.format("load %d-%d-%d-%d", id, os.time(), made, math.random(1000000))
    local body = string.gsub(d.targets[i][2], "@@NAME@@", name)
    return wrk.format(d.method, d.targets[i][1], headers, body)
  end
  return d.requests[i]
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

local function object(counts)
  local parts = {}
  for k, v in pairs(counts) do
    table.insert(parts, string.format('"%s":%.0f', k, v))
  end
  return "{" .. table.concat(parts, ",") .. "}"
end

local function add(into, counts)
  for k, v in pairs(counts) do
    into[k] = (into[k] or 0) + v
  end
end

function done(summary, latency, requests)
  local allStatuses, allSent = {}, {}
  for _, t in ipairs(threads) do
    add(allStatuses, t:get("statuses"))
    add(allSent, t:get("sent"))
  end
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests":%.0f,"durationMicros":%.0f,"bytes":%.0f,'
      .. '"errors":{"connect":%.0f,"read":%.0f,"write":%.0f,"status":%.0f,"timeout":%.0f},'
      .. '"latencyMicros":{"min":%.0f,"mean":%.1f,"stdev":%.1f,"p50":%.0f,"p90":%.0f,"p99":%.0f,"max":%.0f},'
      .. '"statuses":%s,"sent":%s}\n',
      summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
      latency.min, latency.mean, latency.stdev, latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.max, object(allStatuses), object(allSent)))
end
