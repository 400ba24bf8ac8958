-- bench/storm.lua: wrk script for bench/storm.py.  Each request is a path
-- drawn uniformly at random from the file named after `--` (one a line).
local paths = {}

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  math.randomseed(os.time() + tonumber(tostring(paths):match("0x(%x+)") or "0", 16) % 100000)
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
