-- bench/post.lua: wrk script for the comment-posting benchmark.
--
--   wrk -s bench/post.lua URL -- PATH TOKEN RUN [nets]
--
-- Every request POSTs a different comment (run, thread and a per-thread
-- counter are in its text, so the duplicate check never refuses one) to
-- PATH with the form token TOKEN, from a different X-Forwarded-For address
-- (with "nets", each from a different /24 network too, as commenters at
-- large are: comments of one network queue behind each other, model/gate.h).
-- Each thread counts the answers by status; done() prints one line,
--   statuses 303=N 422=N ...
-- which bench/bench.py reads (a 303 is a comment committed to disk).

local threads = {}

function setup(thread)
	thread:set("tid", #threads + 1)
	table.insert(threads, thread)
end

function init(args)
	path = args[1]
	token = args[2]
	run = args[3] or "0"
	nets = args[4] == "nets"
	n = 0
	counts = {}
	headers = {["Content-Type"] = "application/x-www-form-urlencoded"}
end

function request()
	n = n + 1
	if nets then
		headers["X-Forwarded-For"] = string.format("%d.%d.%d.%d", 11 + tid % 64,
		                                           math.floor(n / 256) % 256, n % 256, tid % 256)
	else
		headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", tid % 256,
		                                           math.floor(n / 256) % 256, n % 256)
	end
	local body = "comment=Benchmark+comment+number+" .. run .. "-" .. tid .. "-" .. n ..
		"+about+the+harbour&author=Bench+Reader&email=bench%40example.com&url=" ..
		"&comment_parent=0&byline_hp=&byline_token=" .. token
	return wrk.format("POST", path, headers, body)
end

function response(status, hdrs, body)
	local k = tostring(status)
	counts[k] = (counts[k] or 0) + 1
	-- thread:get() copies plain values only, so keep a flat string too.
	local s = ""
	for code, c in pairs(counts) do
		s = s .. code .. "=" .. c .. " "
	end
	summary = s
end

function done(summary_, latency, requests)
	local total = {}
	for _, t in ipairs(threads) do
		local s = t:get("summary") or ""
		for code, c in string.gmatch(s, "(%d+)=(%d+)") do
			total[code] = (total[code] or 0) + tonumber(c)
		end
	end
	local line = "statuses"
	for code, c in pairs(total) do
		line = line .. " " .. code .. "=" .. c
	end
	io.write(line .. "\n")
	io.write(string.format("duration_us %d\n", summary_.duration))
end
