-- bench/proxy.lua: wrk script for the proxy shape of the article benchmark.
--
--   wrk -c256 -s bench/proxy.lua URL
--
-- A proxy (nginx) in front keeps many keep-alive connections to the
-- server, all from its one address, and names the reader of each request
-- in X-Forwarded-For.  Every request here GETs URL as one of 4,096 readers
-- (10.0.x.y), taken in turn, so no reader has more than a few requests in
-- flight.  The server under test runs with --trust-proxy and its default
-- per-address cap (32 connections): the proxy's connections must not count
-- against it.

function init(args)
	n = 0
	headers = {}
end

function request()
	n = n + 1
	local k = n % 4096
	headers["X-Forwarded-For"] = string.format("10.0.%d.%d", math.floor(k / 256), k % 256)
	return wrk.format("GET", nil, headers)
end
