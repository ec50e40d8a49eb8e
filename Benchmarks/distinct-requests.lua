-- Gives every request its own If-None-Match, matching nothing: identical work, but no two
-- requests coalesce, so each one costs a full fetch, decode, resize and encode. Each wrk
-- thread has its own Lua state, so the thread's id is part of the tag.
local threads = 0
function setup(thread)
    threads = threads + 1
    thread:set("id", threads)
end

local counter = 0
function request()
    counter = counter + 1
    return wrk.format(nil, nil, { ["If-None-Match"] = '"bench-' .. id .. '-' .. counter .. '"' })
end
