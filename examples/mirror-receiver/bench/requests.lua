-- wrk script: typical requests, rotating. `-- benign` (default) sends only
-- benign requests; `-- mixed` makes one request in four an attack.
local ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
local browser = {
  ["Host"] = "shop.example",
  ["User-Agent"] = ua,
  ["Accept"] = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
  ["Accept-Language"] = "en-US,en;q=0.9",
  ["Accept-Encoding"] = "gzip, deflate, br",
  ["Cookie"] = "session=8f14e45fceea167a5a36dedd4bea2543; theme=dark",
  ["X-Real-IP"] = "203.0.113.7",
  ["X-Request-ID"] = "bench",
}
local function with(extra)
  local h = {}
  for k, v in pairs(browser) do h[k] = v end
  for k, v in pairs(extra or {}) do h[k] = v end
  return h
end
local items = {}
for i = 1, 12 do
  items[#items + 1] = string.format('{"sku":"SKU-%05d","name":"Trail shoe %d","qty":%d}', i, 36 + i % 12, i % 5 + 1)
end
local cart = '{"items":[' .. table.concat(items, ",") .. '],"note":"leave at the door"}'

local benign = {
  wrk.format("GET", "/search?q=running+shoes&page=2&sort=price_asc&size=42", with()),
  wrk.format("GET", "/products/8812?ref=home&utm_source=newsletter", with()),
  wrk.format("POST", "/api/cart", with({["Content-Type"] = "application/json"}), cart),
  wrk.format("POST", "/login", with({["Content-Type"] = "application/x-www-form-urlencoded"}),
    "user=alice&password=correct+horse+battery&remember=on"),
}
local attacks = {
  wrk.format("GET", "/products?id=1%27%20OR%201%3D1--", with()),
  wrk.format("GET", "/search?q=%3Cscript%3Ealert(document.cookie)%3C%2Fscript%3E", with()),
  wrk.format("POST", "/api/cart", with({["Content-Type"] = "application/json"}),
    '{"coupon":"x\' UNION SELECT password FROM users--"}'),
  wrk.format("GET", "/download?file=..%2F..%2F..%2Fetc%2Fpasswd", with()),
}

local mixed = false
local n = 0
function init(args)
  mixed = args[1] == "mixed"
end
function request()
  n = n + 1
  if mixed and n % 4 == 0 then
    return attacks[(n / 4) % #attacks + 1]
  end
  return benign[n % #benign + 1]
end
