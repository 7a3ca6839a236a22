-- wrk script: POST /api/v1/tickets with a unique request_id per request.
-- The token comes from the environment (BENCH_TOKEN).
local counter = 0
local token = os.getenv("BENCH_TOKEN") or ""

function setup(thread)
  thread:set("tid", tostring(math.random(1, 1000000000)))
end

request = function()
  counter = counter + 1
  local body = '{"category_code":"A","request_id":"' .. tid .. "-" .. counter .. '"}'
  return wrk.format("POST", "/api/v1/tickets",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end
