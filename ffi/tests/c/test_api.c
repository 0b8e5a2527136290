/* The C ABI from C: defaults and custom configurations, every accessor, a
 * bad configuration, NULL arguments, raw HTTP parsing. */
#include <mirrorguard.h>

#include <stdlib.h>

#include "check.h"

#define LEN(lit) (sizeof(lit) - 1)
#define BUF(lit) (lit), LEN(lit)

static mg_request json_login(void) {
  static const mg_header headers[] = {
      {BUF("Host"), BUF("app.example.com")},
      {BUF("Content-Type"), BUF("application/json")},
  };
  static const char body[] = "{\"user\":\"admin' OR 1=1--\"}";
  mg_request req = {0};
  req.method = "POST";
  req.method_len = 4;
  req.uri = "/login?next=%2F";
  req.uri_len = LEN("/login?next=%2F");
  req.headers = headers;
  req.header_count = 2;
  req.body = body;
  req.body_len = LEN(body);
  req.client = "203.0.113.9";
  req.client_len = LEN("203.0.113.9");
  req.request_id = "req-1";
  req.request_id_len = 5;
  return req;
}

static mg_request get(const char *uri) {
  mg_request req = {0};
  req.uri = uri;
  req.uri_len = strlen(uri);
  return req;
}

static void test_version_and_messages(void) {
  CHECK(mg_version()[0] >= '0' && mg_version()[0] <= '9' && strchr(mg_version(), '.') != NULL);
  CHECK(strcmp(mg_result_message(MG_OK), "success") == 0);
  CHECK(strcmp(mg_result_message(MG_NULL_ARGUMENT), "a required pointer argument is NULL") == 0);
  CHECK(strcmp(mg_result_message(MG_INVALID_CONFIG), "invalid configuration") == 0);
  CHECK(strcmp(mg_result_message(MG_MALFORMED_HTTP), "malformed HTTP request") == 0);
  CHECK(strcmp(mg_result_message(MG_PANIC), "internal error (a panic was caught)") == 0);
  CHECK(strcmp(mg_result_message(4242), "unknown result code") == 0);
}

/* Every accessor on an attack verdict from the default engine. */
static void test_default_engine_accessors(void) {
  mg_engine *engine = NULL;
  CHECK(mg_engine_new(NULL, 0, &engine) == MG_OK);
  CHECK(engine != NULL);

  mg_request req = json_login();
  mg_verdict *v = NULL;
  CHECK(mg_analyze(engine, &req, &v) == MG_OK);
  CHECK(v != NULL);
  CHECK(mg_verdict_is_attack(v));
  CHECK(mg_verdict_score(v) == 10);
  CHECK(mg_verdict_finding_count(v) == 1);

  mg_finding f;
  CHECK(mg_verdict_finding(v, 0, &f) == MG_OK);
  CHECK(STR_EQ(f.attack_class, "sqli"));
  CHECK(STR_EQ(f.rule, "sqli.tautology"));
  CHECK(f.score == 10);
  CHECK(STR_EQ(f.part, "json"));
  CHECK(STR_EQ(f.name, "/user"));
  CHECK(!f.key);
  CHECK(STR_EQ(f.evidence, "admin' OR 1=1--"));
  CHECK(f.decoder_count == 0);

  mg_limits limits = {true, true, true};
  CHECK(mg_verdict_limits(v, &limits) == MG_OK);
  CHECK(!limits.body_truncated && !limits.depth_limited && !limits.inputs_truncated);

  const char *json = NULL;
  size_t len = 0;
  CHECK(mg_verdict_json(v, &json, &len) == MG_OK);
  const char *want =
      "{\"attack\":true,\"score\":10,\"findings\":[{\"class\":\"sqli\",\"rule\":\"sqli.tautology\","
      "\"score\":10,\"location\":{\"part\":\"json\",\"name\":\"/user\",\"decoders\":[]},"
      "\"evidence\":\"admin' OR 1=1--\"}],\"limits\":{\"body_truncated\":false,"
      "\"depth_limited\":false,\"inputs_truncated\":false}}";
  CHECK(len == strlen(want) && memcmp(json, want, len) == 0);
  CHECK(json[len] == '\0');
  /* The same text, the same pointer, on a second call. */
  const char *again = NULL;
  size_t again_len = 0;
  CHECK(mg_verdict_json(v, &again, &again_len) == MG_OK);
  CHECK(again == json && again_len == len);
  mg_verdict_free(v);

  /* A percent-encoded query argument: the decoder chain is reported. */
  req = get("/item?id=1%27%20OR%201%3D1--");
  CHECK(mg_analyze(engine, &req, &v) == MG_OK);
  CHECK(mg_verdict_is_attack(v));
  CHECK(mg_verdict_finding(v, 0, &f) == MG_OK);
  CHECK(STR_EQ(f.part, "query") && STR_EQ(f.name, "id"));
  CHECK(f.decoder_count == 1);
  mg_str decoder = {0};
  CHECK(mg_verdict_finding_decoder(v, 0, 0, &decoder) == MG_OK);
  CHECK(STR_EQ(decoder, "percent"));
  mg_str untouched = {"x", 1};
  CHECK(mg_verdict_finding_decoder(v, 0, 1, &untouched) == MG_INVALID_ARGUMENT);
  CHECK(untouched.len == 1);
  CHECK(strstr(mg_last_error(), "decoder index 1 out of range") != NULL);
  mg_verdict_free(v);

  /* Benign, and bytes that are not UTF-8: a verdict, no error. */
  req = get("/catalog/search?q=running+shoes&page=2");
  CHECK(mg_analyze(engine, &req, &v) == MG_OK);
  CHECK(!mg_verdict_is_attack(v));
  CHECK(mg_verdict_score(v) == 0);
  CHECK(mg_verdict_finding_count(v) == 0);
  CHECK(mg_verdict_json(v, &json, &len) == MG_OK);
  CHECK(strncmp(json, "{\"attack\":false,\"score\":0,\"findings\":[]", 39) == 0);
  mg_verdict_free(v);

  static const char raw_bytes[] = "/\xff\xfe?a=\x80\x00z";
  req = get("");
  req.uri = raw_bytes;
  req.uri_len = sizeof(raw_bytes) - 1;
  req.method = "";
  req.method_len = 0;
  CHECK(mg_analyze(engine, &req, &v) == MG_OK);
  CHECK(v != NULL);
  CHECK(mg_verdict_json(v, &json, &len) == MG_OK && len > 0);
  mg_verdict_free(v);

  mg_engine_free(engine);
}

/* Custom configurations in TOML and JSON change what is reported. */
static void test_custom_config(void) {
  const char toml[] = "classes = [\"xss\"]\n[limits]\nmax_body_bytes = 8\n";
  mg_engine *xss_only = NULL;
  CHECK(mg_engine_new(BUF(toml), &xss_only) == MG_OK);
  mg_request req = json_login();
  mg_verdict *v = NULL;
  CHECK(mg_analyze(xss_only, &req, &v) == MG_OK);
  CHECK(!mg_verdict_is_attack(v));
  CHECK(mg_verdict_finding_count(v) == 0);
  mg_limits limits = {0};
  CHECK(mg_verdict_limits(v, &limits) == MG_OK);
  CHECK(limits.body_truncated);
  mg_verdict_free(v);
  mg_engine_free(xss_only);

  const char json[] =
      "{\"exclusions\": [{\"path_prefix\": \"/login\", \"class\": \"sqli\"}]}";
  mg_engine *excluding = NULL;
  CHECK(mg_engine_new(BUF(json), &excluding) == MG_OK);
  CHECK(mg_analyze(excluding, &req, &v) == MG_OK);
  CHECK(!mg_verdict_is_attack(v));
  mg_verdict_free(v);
  mg_request elsewhere = get("/search?q=1%27%20OR%201%3D1--");
  CHECK(mg_analyze(excluding, &elsewhere, &v) == MG_OK);
  CHECK(mg_verdict_is_attack(v));
  mg_verdict_free(v);
  mg_engine_free(excluding);
}

/* A bad configuration: a clear error naming the field, no engine. */
static void expect_bad_config(const char *text, size_t len, const char *field, const char *words) {
  mg_engine *engine = (mg_engine *)&engine; /* a sentinel that must survive */
  mg_engine *const sentinel = engine;
  CHECK(mg_engine_new(text, len, &engine) == MG_INVALID_CONFIG);
  CHECK(engine == sentinel);
  CHECK(strcmp(mg_last_error_field(), field) == 0);
  CHECK(strstr(mg_last_error(), words) != NULL);
  if (strcmp(mg_last_error_field(), field) != 0 || strstr(mg_last_error(), words) == NULL) {
    fprintf(stderr, "  error: [%s] field: [%s]\n", mg_last_error(), mg_last_error_field());
  }
}

static void test_bad_config(void) {
  expect_bad_config(BUF("threshold = 0"), "threshold", "must be at least 1");
  expect_bad_config(BUF("[limits]\nmax_inputs = \"many\""), "limits.max_inputs", "limits.max_inputs");
  expect_bad_config(BUF("{\"sensitivty\": \"high\"}"), "sensitivty", "unknown field");
  expect_bad_config(BUF("{\"limits\": {\"max_decode_depth\": 99}}"), "limits.max_decode_depth",
                    "between 1 and 16");
  expect_bad_config(BUF("classes = [\"sql\"]"), "classes", "unknown attack class");
  expect_bad_config(BUF("sensitivity = \"high\xff\""), "", "not UTF-8");
  /* A message names the field in words too. */
  mg_engine *engine = NULL;
  CHECK(mg_engine_new(BUF("threshold = 0"), &engine) == MG_INVALID_CONFIG);
  CHECK(strcmp(mg_last_error(), "invalid configuration: field `threshold`: must be at least 1") == 0);
  /* A success leaves the last error as it was. */
  CHECK(mg_engine_new(NULL, 0, &engine) == MG_OK);
  CHECK(strstr(mg_last_error(), "threshold") != NULL);
  mg_engine_free(engine);
}

/* NULL arguments: clean error codes, nothing written, no crash. */
static void test_null_arguments(void) {
  CHECK(mg_engine_new(NULL, 0, NULL) == MG_NULL_ARGUMENT);
  CHECK(strcmp(mg_last_error(), "argument `engine_out` is NULL") == 0);
  mg_engine *engine = NULL;
  CHECK(mg_engine_new(NULL, 12, &engine) == MG_NULL_ARGUMENT);
  CHECK(engine == NULL);
  CHECK(mg_engine_new(NULL, 0, &engine) == MG_OK);

  mg_request req = get("/");
  mg_verdict *v = NULL;
  CHECK(mg_analyze(NULL, &req, &v) == MG_NULL_ARGUMENT && v == NULL);
  CHECK(strcmp(mg_last_error(), "argument `engine` is NULL") == 0);
  CHECK(mg_analyze(engine, NULL, &v) == MG_NULL_ARGUMENT && v == NULL);
  CHECK(mg_analyze(engine, &req, NULL) == MG_NULL_ARGUMENT);

  mg_request bad = get("/");
  bad.uri = NULL; /* NULL with a length */
  CHECK(mg_analyze(engine, &bad, &v) == MG_NULL_ARGUMENT && v == NULL);
  CHECK(strcmp(mg_last_error(), "argument `req->uri` is NULL") == 0);
  bad = get("/");
  bad.header_count = 2; /* NULL array with a count */
  CHECK(mg_analyze(engine, &bad, &v) == MG_NULL_ARGUMENT && v == NULL);
  mg_header h = {NULL, 4, BUF("v")};
  bad = get("/");
  bad.headers = &h;
  bad.header_count = 1;
  CHECK(mg_analyze(engine, &bad, &v) == MG_NULL_ARGUMENT && v == NULL);
  CHECK(strcmp(mg_last_error(), "argument `req->headers[i].name` is NULL") == 0);
  bad = get("/");
  bad.body_len = (size_t)-1; /* NULL body with a length */
  CHECK(mg_analyze(engine, &bad, &v) == MG_NULL_ARGUMENT && v == NULL);
  bad = get("/");
  bad.body = "x";
  bad.body_len = (size_t)-1; /* no buffer is that long */
  CHECK(mg_analyze(engine, &bad, &v) == MG_INVALID_ARGUMENT && v == NULL);
  /* NULL and length 0 are empty buffers, fine. */
  mg_request empty = {0};
  CHECK(mg_analyze(engine, &empty, &v) == MG_OK && v != NULL);
  CHECK(!mg_verdict_is_attack(v));

  /* Accessors on NULL: zero values or NULL_ARGUMENT. */
  CHECK(!mg_verdict_is_attack(NULL));
  CHECK(mg_verdict_score(NULL) == 0);
  CHECK(mg_verdict_finding_count(NULL) == 0);
  mg_finding f;
  memset(&f, 0x5a, sizeof f);
  CHECK(mg_verdict_finding(NULL, 0, &f) == MG_NULL_ARGUMENT);
  CHECK(mg_verdict_finding(v, 0, &f) == MG_INVALID_ARGUMENT); /* no findings */
  CHECK(f.score == 0x5a5a5a5a);                              /* untouched */
  CHECK(strstr(mg_last_error(), "the verdict has 0 findings") != NULL);
  CHECK(mg_verdict_finding(v, 0, NULL) == MG_INVALID_ARGUMENT);
  mg_str s;
  CHECK(mg_verdict_finding_decoder(NULL, 0, 0, &s) == MG_NULL_ARGUMENT);
  CHECK(mg_verdict_limits(NULL, NULL) == MG_NULL_ARGUMENT);
  mg_limits limits;
  CHECK(mg_verdict_limits(v, NULL) == MG_NULL_ARGUMENT);
  CHECK(mg_verdict_limits(NULL, &limits) == MG_NULL_ARGUMENT);
  const char *json = NULL;
  size_t len = 7;
  CHECK(mg_verdict_json(NULL, &json, &len) == MG_NULL_ARGUMENT);
  CHECK(mg_verdict_json(v, NULL, &len) == MG_NULL_ARGUMENT);
  CHECK(mg_verdict_json(v, &json, NULL) == MG_NULL_ARGUMENT);
  CHECK(json == NULL && len == 7);

  CHECK(mg_parse_http1(NULL, 0, NULL) == MG_NULL_ARGUMENT);
  mg_http_request *parsed = NULL;
  CHECK(mg_parse_http1(NULL, 10, &parsed) == MG_NULL_ARGUMENT && parsed == NULL);
  CHECK(mg_parse_http1(BUF("GET / HTTP/1.1\r\n\r\n"), NULL) == MG_NULL_ARGUMENT);
  CHECK(mg_http_request_view(NULL) == NULL);

  /* Freeing NULL is fine. */
  mg_verdict_free(NULL);
  mg_engine_free(NULL);
  mg_http_request_free(NULL);

  mg_verdict_free(v);
  mg_engine_free(engine);
}

/* Raw wire bytes: parsed, viewed, analyzed; garbage is a clean error. */
static void test_parse_http1(void) {
  mg_engine *engine = NULL;
  CHECK(mg_engine_new(NULL, 0, &engine) == MG_OK);

  static const char raw[] =
      "POST /search?src=home HTTP/1.1\r\n"
      "Host: shop.example.com\r\n"
      "Content-Type: application/x-www-form-urlencoded\r\n"
      "Transfer-Encoding: chunked\r\n"
      "\r\n"
      "10\r\nq=%3Cscript%3Eal\r\n"
      "10\r\nert(1)%3C/script\r\n"
      "3\r\n%3E\r\n"
      "0\r\n\r\n";
  /* The copy is the library's: overwrite ours before analyzing. */
  char *copy = malloc(sizeof raw);
  memcpy(copy, raw, sizeof raw);
  mg_http_request *parsed = NULL;
  CHECK(mg_parse_http1(copy, sizeof raw - 1, &parsed) == MG_OK);
  memset(copy, 'X', sizeof raw);
  free(copy);

  const mg_request *view = mg_http_request_view(parsed);
  CHECK(view != NULL);
  if (view == NULL) {
    fprintf(stderr, "  %s\n", mg_last_error());
    mg_engine_free(engine);
    return;
  }
  CHECK(view->method_len == 4 && memcmp(view->method, "POST", 4) == 0);
  CHECK(view->uri_len == LEN("/search?src=home") && memcmp(view->uri, "/search?src=home", view->uri_len) == 0);
  CHECK(view->version_len == 8 && memcmp(view->version, "HTTP/1.1", 8) == 0);
  CHECK(view->header_count == 3);
  CHECK(view->headers[1].name_len == LEN("Content-Type"));
  CHECK(memcmp(view->headers[1].name, "Content-Type", view->headers[1].name_len) == 0);
  const char body[] = "q=%3Cscript%3Ealert(1)%3C/script%3E";
  CHECK(view->body_len == LEN(body) && memcmp(view->body, body, view->body_len) == 0);
  CHECK(view->client == NULL && view->request_id == NULL);

  mg_request with_client = *view;
  with_client.client = "198.51.100.7";
  with_client.client_len = LEN("198.51.100.7");
  mg_verdict *v = NULL;
  CHECK(mg_analyze(engine, &with_client, &v) == MG_OK);
  CHECK(mg_verdict_is_attack(v));
  mg_finding f;
  CHECK(mg_verdict_finding(v, 0, &f) == MG_OK);
  CHECK(STR_EQ(f.attack_class, "xss"));
  CHECK(STR_EQ(f.part, "form") && STR_EQ(f.name, "q"));
  mg_verdict_free(v);
  mg_http_request_free(parsed);

  parsed = NULL;
  CHECK(mg_parse_http1(BUF("GARBAGE"), &parsed) == MG_MALFORMED_HTTP);
  CHECK(parsed == NULL);
  CHECK(strncmp(mg_last_error(), "malformed HTTP request: ", 24) == 0);
  CHECK(strcmp(mg_last_error_field(), "") == 0);
  CHECK(mg_parse_http1(BUF("GET / HTTP/1.1\r\nX: a\r\n folded\r\n\r\n"), &parsed) == MG_MALFORMED_HTTP);

  mg_engine_free(engine);
}

/* With --leak-a-verdict, one verdict is never freed: the test script runs
 * this under valgrind and expects it to fail, so the valgrind run is known
 * to catch a leak through the C ABI. */
static void leak_a_verdict(void) {
  mg_engine *engine = NULL;
  CHECK(mg_engine_new(NULL, 0, &engine) == MG_OK);
  mg_request req = get("/?q=%3Cscript%3Ealert(1)%3C/script%3E");
  mg_verdict *v = NULL;
  CHECK(mg_analyze(engine, &req, &v) == MG_OK);
  mg_engine_free(engine);
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--leak-a-verdict") == 0) {
    leak_a_verdict();
    return check_done("test_api --leak-a-verdict");
  }
  test_version_and_messages();
  test_default_engine_accessors();
  test_custom_config();
  test_bad_config();
  test_null_arguments();
  test_parse_http1();
  return check_done("test_api");
}
