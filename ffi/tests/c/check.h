/* A tiny test kit for the C tests of libmirrorguard: CHECK counts, a
 * failed check prints where and what, check_done prints the totals as
 * "N passed, N failed" and gives the exit status. */
#ifndef MG_CHECK_H
#define MG_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed;
static int check_failed;

#define CHECK(cond)                                                           \
  do {                                                                        \
    if (cond) {                                                               \
      check_passed++;                                                         \
    } else {                                                                  \
      check_failed++;                                                         \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                         \
  } while (0)

/* An mg_str (pointer + length) equals a C string. */
#define STR_EQ(s, lit) ((s).len == strlen(lit) && memcmp((s).ptr, (lit), (s).len) == 0)

static int check_done(const char *name) {
  printf("%s: %d passed, %d failed\n", name, check_passed, check_failed);
  return check_failed == 0 ? 0 : 1;
}

#endif
