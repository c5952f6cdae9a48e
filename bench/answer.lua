-- wrk script for the answer POST: each request answers one card shown beforehand.
-- bench/prepare.py wrote one line per pre-issued showing: "<answer path>\t<form body>", the body
-- carrying the CSRF token (the Cookie header, given on wrk's command line, carries its twin).
-- Threads take turns through the lines (thread i posts lines i, i + n, i + 2n, ...), so no line is
-- posted twice until all have been; after that a POST repeats a token and takes the idempotent
-- path. bench/run counts how many answers were really recorded.

local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  rows = {}
  for line in io.lines(args[1]) do
    local path, body = line:match("^([^\t]+)\t(.*)$")
    rows[#rows + 1] = { path, body }
  end
  step = tonumber(args[2])
  index = id
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
  local row = rows[(index % #rows) + 1]
  index = index + step
  return wrk.format("POST", row[1], nil, row[2])
end
