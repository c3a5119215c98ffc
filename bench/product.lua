-- GET /products/{id} over the sample catalog's 50 products.
package.path = package.path .. ";" .. debug.getinfo(1).source:match("@?(.*/)") .. "?.lua"
local report = require("report")
local counter = 0

request = function()
  counter = counter + 1
  return wrk.format("GET", "/products/" .. (counter % 50 + 1))
end

done = report.done("product")
