-- GET /healthz: the reference every other figure is divided by.
package.path = package.path .. ";" .. debug.getinfo(1).source:match("@?(.*/)") .. "?.lua"
local report = require("report")
done = report.done("healthz")
