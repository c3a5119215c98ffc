-- POST /orders: one to three items from the restocked catalog, an approved card. Every 202 is
-- a durable order whose saga then runs to the end.
package.path = package.path .. ";" .. debug.getinfo(1).source:match("@?(.*/)") .. "?.lua"
local report = require("report")
local counter = 0

request = function()
  counter = counter + 1
  local a = counter % 50 + 1
  local b = (counter * 7) % 50 + 1
  local items = '{"product_id":' .. a .. ',"quantity":1}'
  if b ~= a then
    items = items .. ',{"product_id":' .. b .. ',"quantity":2}'
  end
  local body = '{"customer_email":"bench' .. (counter % 1000) .. '@example.com","items":[' .. items
    .. '],"payment":{"card_number":"4242424242424242"},"shipping_address":{"name":"Bench",'
    .. '"line1":"1 Main St","city":"Springfield","postal_code":"12345","country":"US"}}'
  return wrk.format("POST", "/orders", {["Content-Type"] = "application/json"}, body)
end

response = function(status, headers, body)
  if status ~= 202 then
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
  end
end

done = report.done("orders")
