/* Many threads share one engine: every thread gets, for every request,
 * the verdict JSON the main thread got. Each thread's last error is its
 * own. Usage: test_threads [threads] [rounds] */
#include <mirrorguard.h>

#include <pthread.h>
#include <stdlib.h>

#include "check.h"

#define REQUESTS 6

static const char *const uris[REQUESTS] = {
    "/catalog/search?q=running+shoes&size=42&page=2",
    "/item?id=1%27%20UNION%20SELECT%20username,password%20FROM%20users--",
    "/?q=%3Cscript%3Ealert(document.cookie)%3C/script%3E",
    "/download?file=..%2F..%2F..%2Fetc%2Fpasswd",
    "/api/v1/users/42/orders?sort=created_at&limit=20",
    "/ping?host=127.0.0.1%3Bcat%20/etc/passwd",
};

static const mg_engine *engine;
static char *expected[REQUESTS];
static int rounds = 20;
static pthread_barrier_t barrier;

static mg_request request(int i) {
  static const mg_header headers[] = {
      {"Host", 4, "shop.example.com", 16},
      {"User-Agent", 10, "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", 70},
  };
  mg_request req = {0};
  req.uri = uris[i];
  req.uri_len = strlen(uris[i]);
  req.headers = headers;
  req.header_count = 2;
  return req;
}

/* The verdict JSON as a new C string, or NULL. */
static char *analyze_json(int i) {
  mg_request req = request(i);
  mg_verdict *v = NULL;
  if (mg_analyze(engine, &req, &v) != MG_OK) {
    return NULL;
  }
  const char *json = NULL;
  size_t len = 0;
  char *copy = NULL;
  if (mg_verdict_json(v, &json, &len) == MG_OK) {
    copy = malloc(len + 1);
    memcpy(copy, json, len + 1);
  }
  mg_verdict_free(v);
  return copy;
}

static void *worker(void *arg) {
  long id = (long)arg;
  long failures = 0;
  /* A different bad configuration per thread; after every thread has
   * failed once, each still sees its own error. */
  char config[64];
  snprintf(config, sizeof config, "[limits]\nmax_json_depth = %ld", 5000 + id);
  mg_engine *none = NULL;
  if (mg_engine_new(config, strlen(config), &none) != MG_INVALID_CONFIG || none != NULL) {
    failures++;
  }
  pthread_barrier_wait(&barrier);
  for (int r = 0; r < rounds; r++) {
    for (int i = 0; i < REQUESTS; i++) {
      int k = (i + (int)id + r) % REQUESTS; /* threads on different requests */
      char *json = analyze_json(k);
      if (json == NULL || strcmp(json, expected[k]) != 0) {
        failures++;
      }
      free(json);
    }
  }
  if (strcmp(mg_last_error_field(), "limits.max_json_depth") != 0 ||
      strstr(mg_last_error(), "between 1 and 1024") == NULL) {
    failures++;
  }
  return (void *)failures;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 8;
  if (argc > 2) {
    rounds = atoi(argv[2]);
  }
  mg_engine *e = NULL;
  CHECK(mg_engine_new(NULL, 0, &e) == MG_OK);
  engine = e;
  int attacks = 0;
  for (int i = 0; i < REQUESTS; i++) {
    expected[i] = analyze_json(i);
    CHECK(expected[i] != NULL);
    attacks += strncmp(expected[i], "{\"attack\":true", 14) == 0;
  }
  CHECK(attacks == 4);

  pthread_t *tids = calloc((size_t)threads, sizeof *tids);
  pthread_barrier_init(&barrier, NULL, (unsigned)threads);
  for (long t = 0; t < threads; t++) {
    CHECK(pthread_create(&tids[t], NULL, worker, (void *)t) == 0);
  }
  for (int t = 0; t < threads; t++) {
    void *failures = NULL;
    CHECK(pthread_join(tids[t], &failures) == 0);
    CHECK(failures == NULL);
    if (failures != NULL) {
      fprintf(stderr, "  thread %d: %ld failures\n", t, (long)failures);
    }
  }
  pthread_barrier_destroy(&barrier);
  free(tids);
  for (int i = 0; i < REQUESTS; i++) {
    free(expected[i]);
  }
  mg_engine_free(e);
  printf("test_threads: %d threads x %d rounds x %d requests\n", threads, rounds, REQUESTS);
  return check_done("test_threads");
}
