-- mirrorguard.lua: libmirrorguard through LuaJIT's FFI, for nginx with
-- lua-nginx-module (Debian's libnginx-mod-http-lua), OpenResty and Kong.
--
-- Anywhere in LuaJIT:
--
--   local mirrorguard = require "mirrorguard"
--   mirrorguard.load("/usr/local/lib/libmirrorguard.so") -- or $MIRRORGUARD_LIB
--   local engine = assert(mirrorguard.new())             -- or new(toml_or_json_text)
--   local v = engine:analyze{ method = "GET", uri = "/?id=1%27%20OR%201=1--",
--                             headers = { { "Host", "example.com" } } }
--   if v.attack then print(v.json) end                   -- v.findings[i].class, .part, .name, ...
--
-- In nginx (see nginx.conf beside this file): init() in init_by_lua,
-- capture() in access_by_lua, log() in log_by_lua. The analysis runs in
-- the log phase, after the response has been sent: clients never wait.
local ffi = require "ffi"

-- Declarations from ffi/include/mirrorguard.h (scripts/test-ffi.sh checks
-- that each one matches the header).
ffi.cdef [[
typedef uint32_t mg_result;
typedef struct mg_engine mg_engine;
typedef struct mg_http_request mg_http_request;
typedef struct mg_verdict mg_verdict;
typedef struct mg_header {
  const char *name;
  size_t name_len;
  const char *value;
  size_t value_len;
} mg_header;
typedef struct mg_request {
  const char *method;
  size_t method_len;
  const char *uri;
  size_t uri_len;
  const char *version;
  size_t version_len;
  const struct mg_header *headers;
  size_t header_count;
  const char *body;
  size_t body_len;
  const char *client;
  size_t client_len;
  const char *request_id;
  size_t request_id_len;
} mg_request;
typedef struct mg_str {
  const char *ptr;
  size_t len;
} mg_str;
typedef struct mg_finding {
  struct mg_str attack_class;
  struct mg_str rule;
  uint32_t score;
  struct mg_str part;
  struct mg_str name;
  bool key;
  struct mg_str evidence;
  size_t decoder_count;
} mg_finding;
const char *mg_version(void);
const char *mg_last_error(void);
mg_result mg_engine_new(const char *config, size_t config_len, struct mg_engine **engine_out);
void mg_engine_free(struct mg_engine *engine);
mg_result mg_analyze(const struct mg_engine *engine, const struct mg_request *req, struct mg_verdict **verdict_out);
void mg_verdict_free(struct mg_verdict *verdict);
bool mg_verdict_is_attack(const struct mg_verdict *verdict);
uint32_t mg_verdict_score(const struct mg_verdict *verdict);
size_t mg_verdict_finding_count(const struct mg_verdict *verdict);
mg_result mg_verdict_finding(const struct mg_verdict *verdict, size_t index, struct mg_finding *finding_out);
mg_result mg_verdict_json(const struct mg_verdict *verdict, const char **json_out, size_t *len_out);
]]

local _M = { _VERSION = "0.1.0" }

local lib

--- Loads libmirrorguard once: `path`, else $MIRRORGUARD_LIB, else the
--- system's library search ("mirrorguard" -> libmirrorguard.so).
function _M.load(path)
  if not lib then
    lib = ffi.load(path or os.getenv("MIRRORGUARD_LIB") or "mirrorguard")
  end
  return lib
end

--- The library's version string.
function _M.version()
  return ffi.string(_M.load().mg_version())
end

local Engine = {}
Engine.__index = Engine

--- A new engine from a TOML or JSON configuration text (nil: defaults).
--- Returns the engine, or nil and the error naming the bad field.
function _M.new(config)
  local L = _M.load()
  local out = ffi.new("mg_engine *[1]")
  local rc = L.mg_engine_new(config, config and #config or 0, out)
  if rc ~= 0 then
    return nil, ffi.string(L.mg_last_error())
  end
  return setmetatable({ ptr = ffi.gc(out[0], L.mg_engine_free) }, Engine)
end

local function str(s)
  return ffi.string(s.ptr, s.len)
end

local function set(req, field, value)
  if value ~= nil then
    req[field] = value
    req[field .. "_len"] = #value
  end
end

--- Analyzes one request: a table with `method`, `uri` (as on the wire),
--- `version`, `headers` (a list of {name, value} pairs, in order), `body`,
--- `client` and `request_id`, every field optional. Returns a table:
--- `attack` (boolean), `score`, `findings` (each with class, rule, score,
--- part, name, key, evidence) and `json` (the verdict JSON shared by every
--- binding). Returns nil and a message only for a malformed argument.
function Engine:analyze(r)
  local L = lib
  local req = ffi.new("mg_request")
  set(req, "method", r.method)
  set(req, "uri", r.uri)
  set(req, "version", r.version)
  set(req, "body", r.body)
  set(req, "client", r.client)
  set(req, "request_id", r.request_id)
  local headers = r.headers or {}
  local n = #headers
  local h = ffi.new("mg_header[?]", n)
  for i = 1, n do
    local name, value = headers[i][1], headers[i][2]
    h[i - 1].name, h[i - 1].name_len = name, #name
    h[i - 1].value, h[i - 1].value_len = value, #value
  end
  req.headers, req.header_count = h, n

  local out = ffi.new("mg_verdict *[1]")
  -- `r`'s strings and `h` stay referenced until the call returns.
  local rc = L.mg_analyze(self.ptr, req, out)
  if rc ~= 0 then
    return nil, ffi.string(L.mg_last_error())
  end
  local v = out[0]
  local verdict = {
    attack = L.mg_verdict_is_attack(v),
    score = tonumber(L.mg_verdict_score(v)),
    findings = {},
  }
  local f = ffi.new("mg_finding")
  for i = 0, tonumber(L.mg_verdict_finding_count(v)) - 1 do
    if L.mg_verdict_finding(v, i, f) == 0 then
      verdict.findings[#verdict.findings + 1] = {
        class = str(f.attack_class),
        rule = str(f.rule),
        score = tonumber(f.score),
        part = str(f.part),
        name = str(f.name),
        key = f.key,
        evidence = str(f.evidence),
      }
    end
  end
  local json, len = ffi.new("const char *[1]"), ffi.new("size_t[1]")
  if L.mg_verdict_json(v, json, len) == 0 then
    verdict.json = ffi.string(json[0], len[0])
  end
  L.mg_verdict_free(v)
  return verdict
end

-- JSON string escaping for the log line's own fields (the verdict comes as
-- JSON from the library). Bytes outside printable ASCII are escaped as
-- \u00XX so that a line stays valid JSON whatever the request held.
local function json_string(s)
  if s == nil then
    return "null"
  end
  return '"' .. s:gsub('[%c"\\\128-\255]', function(c)
    if c == '"' then return '\\"' end
    if c == "\\" then return "\\\\" end
    return string.format("\\u%04x", c:byte())
  end) .. '"'
end
_M.json_string = json_string

------------------------------------------------------------------------
-- nginx (lua-nginx-module) glue
------------------------------------------------------------------------

local state = { engine = nil, log = nil, max_body = 1048576 }

--- In init_by_lua (the master process, before workers fork): loads the
--- library, builds the engine and opens the attack log. Options: `lib`
--- (path of libmirrorguard.so), `config` (TOML/JSON text) or
--- `config_file`, `log` (a file for one JSON line per attack; nginx's
--- error log when nil), `max_body` (bytes of a body kept for analysis).
--- Raises an error naming the bad field on a bad configuration, so nginx
--- refuses to start.
function _M.init(opts)
  opts = opts or {}
  _M.load(opts.lib)
  local config = opts.config
  if not config and opts.config_file then
    local f = assert(io.open(opts.config_file, "rb"))
    config = f:read("*a")
    f:close()
  end
  local engine, err = _M.new(config)
  if not engine then
    error("mirrorguard: " .. err, 0)
  end
  state.engine = engine
  state.max_body = opts.max_body or state.max_body
  if opts.log then
    -- Opened by the master, inherited by the workers (who may run as a
    -- user that could not open it). Appends; one write per line.
    local f = assert(io.open(opts.log, "a"))
    f:setvbuf("full", 65536)
    state.log = f
  end
  return engine
end

--- In access_by_lua: keeps the request's raw header lines (in order, names
--- as sent: the log phase no longer has them) and reads the body. No
--- analysis happens here.
function _M.capture()
  local ok, raw = pcall(ngx.req.raw_header, true)
  ngx.ctx.mirrorguard_raw_header = ok and raw or false
  ngx.req.read_body()
end

local function headers_of(raw)
  local list = {}
  if raw then
    for line in raw:gmatch("([^\r\n]+)") do
      local name, value = line:match("^([^:]*):[ \t]*(.-)[ \t]*$")
      if name then
        list[#list + 1] = { name, value }
      end
    end
    return list
  end
  -- HTTP/2 and HTTP/3 requests have no raw header: rebuild it (order and
  -- case lost).
  for name, value in pairs(ngx.req.get_headers(0, true)) do
    if type(value) == "table" then
      for _, v in ipairs(value) do
        list[#list + 1] = { name, v }
      end
    else
      list[#list + 1] = { name, value }
    end
  end
  return list
end

local function body_of()
  local body = ngx.req.get_body_data()
  if body then
    return body
  end
  local file = ngx.req.get_body_file()
  if file then
    local f = io.open(file, "rb")
    if f then
      -- One byte more than the limit, so the verdict says "truncated".
      body = f:read(state.max_body + 1)
      f:close()
      return body
    end
  end
  return nil
end

--- The current request, as `Engine:analyze` takes it.
function _M.ngx_request()
  local version = ngx.req.http_version()
  return {
    method = ngx.req.get_method(),
    uri = ngx.var.request_uri,
    version = version and string.format("HTTP/%.1f", version) or nil,
    headers = headers_of(ngx.ctx.mirrorguard_raw_header),
    body = body_of(),
    client = ngx.var.remote_addr,
    request_id = ngx.var.request_id,
  }
end

--- In log_by_lua: analyzes the request and, when it is an attack, writes
--- one JSON line: time, request id, client, method, URI, status and the
--- verdict.
function _M.log()
  if not state.engine then
    return
  end
  local r = _M.ngx_request()
  local verdict, err = state.engine:analyze(r)
  if not verdict then
    ngx.log(ngx.ERR, "mirrorguard: ", err)
    return
  end
  if not verdict.attack then
    return
  end
  local line = table.concat({
    '{"time":', json_string(ngx.var.time_iso8601),
    ',"request_id":', json_string(r.request_id),
    ',"client":', json_string(r.client),
    ',"method":', json_string(r.method),
    ',"uri":', json_string(r.uri),
    ',"status":', tonumber(ngx.var.status) or "null",
    ',"verdict":', verdict.json, "}\n",
  })
  if state.log then
    state.log:write(line)
    state.log:flush()
  else
    ngx.log(ngx.WARN, "mirrorguard attack: ", line)
  end
end

return _M
