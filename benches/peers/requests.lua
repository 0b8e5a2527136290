-- wrk script for benches/peers/run.sh: one fixed request, `-- benign`
-- (default) or `-- attack`. The same two requests are written as JSONL by
-- run.sh for the in-process engines (speed-benign.jsonl, speed-attack.jsonl).
local headers = {
  ["Host"] = "shop.example",
  ["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
  ["Accept"] = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
  ["Accept-Language"] = "en-US,en;q=0.9",
  ["Accept-Encoding"] = "gzip, deflate, br",
  ["Cookie"] = "session=8f14e45fceea167a5a36dedd4bea2543; theme=dark",
}
local benign = wrk.format("GET", "/search?q=running+shoes&page=2&sort=price_asc&size=42", headers)
local attack = wrk.format("GET", "/products?id=1%27%20OR%201%3D1--", headers)
local req = benign
function init(args)
  if args[1] == "attack" then req = attack end
end
function request()
  return req
end
