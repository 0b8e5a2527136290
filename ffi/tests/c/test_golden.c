/* The golden vectors shared by every binding, through the C ABI: each
 * request of core/testdata/golden/requests.jsonl must give, byte for byte,
 * the line of verdicts.jsonl: {"id":"<id>","verdict":<verdict JSON>}.
 *
 * Usage: test_golden REQUESTS VERDICTS
 *   REQUESTS  requests.jsonl converted to fields, each "<length>\n<bytes>\n":
 *             id, method, uri, version ("" for the default), the header
 *             count (as decimal text), name and value of each header, body.
 *             scripts/test-ffi.sh writes it with a few lines of python3.
 *   VERDICTS  core/testdata/golden/verdicts.jsonl */
#include <mirrorguard.h>

#include <stdlib.h>

#include "check.h"

typedef struct {
  char *ptr;
  size_t len;
} field;

/* Reads one field; 0 at the end of the file, -1 on a format error. */
static int read_field(FILE *in, field *out) {
  size_t len = 0;
  int n = fscanf(in, "%zu", &len);
  if (n == EOF) {
    return 0;
  }
  if (n != 1 || fgetc(in) != '\n') {
    return -1;
  }
  out->ptr = malloc(len + 1);
  if (fread(out->ptr, 1, len, in) != len || fgetc(in) != '\n') {
    free(out->ptr);
    return -1;
  }
  out->ptr[len] = '\0';
  out->len = len;
  return 1;
}

/* Reads one line of the verdicts file, without its newline. */
static char *read_line(FILE *in) {
  size_t cap = 256, len = 0;
  char *line = malloc(cap);
  int c;
  while ((c = fgetc(in)) != EOF && c != '\n') {
    if (len + 1 == cap) {
      cap *= 2;
      line = realloc(line, cap);
    }
    line[len++] = (char)c;
  }
  if (c == EOF && len == 0) {
    free(line);
    return NULL;
  }
  line[len] = '\0';
  return line;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s REQUESTS VERDICTS\n", argv[0]);
    return 2;
  }
  FILE *requests = fopen(argv[1], "rb");
  FILE *verdicts = fopen(argv[2], "rb");
  if (requests == NULL || verdicts == NULL) {
    fprintf(stderr, "cannot open %s or %s\n", argv[1], argv[2]);
    return 2;
  }
  mg_engine *engine = NULL;
  CHECK(mg_engine_new(NULL, 0, &engine) == MG_OK);

  int count = 0, format_errors = 0;
  field id;
  int r;
  while ((r = read_field(requests, &id)) == 1) {
    field method, uri, version, nheaders, body;
    if (read_field(requests, &method) != 1 || read_field(requests, &uri) != 1 ||
        read_field(requests, &version) != 1 || read_field(requests, &nheaders) != 1) {
      format_errors++;
      break;
    }
    size_t n = strtoul(nheaders.ptr, NULL, 10);
    field *names = calloc(n + 1, sizeof *names);
    field *values = calloc(n + 1, sizeof *values);
    mg_header *headers = calloc(n + 1, sizeof *headers);
    for (size_t i = 0; i < n; i++) {
      if (read_field(requests, &names[i]) != 1 || read_field(requests, &values[i]) != 1) {
        fprintf(stderr, "%s: bad header fields\n", argv[1]);
        return 1;
      }
      headers[i].name = names[i].ptr;
      headers[i].name_len = names[i].len;
      headers[i].value = values[i].ptr;
      headers[i].value_len = values[i].len;
    }
    if (read_field(requests, &body) != 1) {
      format_errors++;
      break;
    }

    mg_request req = {0};
    req.method = method.ptr;
    req.method_len = method.len;
    req.uri = uri.ptr;
    req.uri_len = uri.len;
    if (version.len > 0) {
      req.version = version.ptr;
      req.version_len = version.len;
    }
    req.headers = headers;
    req.header_count = n;
    req.body = body.ptr;
    req.body_len = body.len;

    mg_verdict *v = NULL;
    CHECK(mg_analyze(engine, &req, &v) == MG_OK);
    const char *json = NULL;
    size_t len = 0;
    CHECK(mg_verdict_json(v, &json, &len) == MG_OK);
    size_t line_len = len + id.len + 32;
    char *got = malloc(line_len);
    snprintf(got, line_len, "{\"id\":\"%s\",\"verdict\":%s}", id.ptr, json);
    char *want = read_line(verdicts);
    CHECK(want != NULL && strcmp(got, want) == 0);
    if (want == NULL || strcmp(got, want) != 0) {
      fprintf(stderr, "  got:  %s\n  want: %s\n", got, want ? want : "(end of file)");
    }
    count++;

    free(want);
    free(got);
    mg_verdict_free(v);
    for (size_t i = 0; i < n; i++) {
      free(names[i].ptr);
      free(values[i].ptr);
    }
    free(names);
    free(values);
    free(headers);
    free(id.ptr);
    free(method.ptr);
    free(uri.ptr);
    free(version.ptr);
    free(nheaders.ptr);
    free(body.ptr);
  }
  CHECK(r == 0 && format_errors == 0);
  char *extra = read_line(verdicts);
  CHECK(extra == NULL); /* as many verdicts as requests */
  free(extra);
  CHECK(count > 0);
  fclose(requests);
  fclose(verdicts);
  mg_engine_free(engine);
  printf("test_golden: %d golden vectors compared\n", count);
  return check_done("test_golden");
}
