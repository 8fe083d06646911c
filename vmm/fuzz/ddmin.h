/* ddmin.h: delta debugging (Zeller and Hildebrandt, "Simplifying and Isolating Failure-Inducing Input", TSE 2002): the smallest subset of changes that still fails. Pure. */
#ifndef VMM_FUZZ_DDMIN_H
#define VMM_FUZZ_DDMIN_H

#include <stdbool.h>

#define DDMIN_MAX 128

/* Does the subset keep[0..n) still give the same result? (true: keep it) */
typedef bool (*ddmin_test)(void *ctx, const bool *keep, unsigned n);

/*
 * ddmin over n items (n <= DDMIN_MAX), all in keep[] at the start: on return keep[] is a
 * 1-minimal subset for which test() is true (removing any one item makes it false),
 * provided test() is true for all n. Tries subsets, then complements, at granularity 2,
 * 4, ... as ddmin does; returns the number of test() calls.
 */
unsigned ddmin(bool *keep, unsigned n, ddmin_test test, void *ctx);

#endif
