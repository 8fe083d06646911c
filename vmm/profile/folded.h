/* folded.h: stack samples aggregated into folded-stack lines ("a;b;c N", flame-graph input) and a top-N by function. */
#ifndef VMM_PROFILE_FOLDED_H
#define VMM_PROFILE_FOLDED_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct folded_entry {
	char *key; /* NULL: a free slot */
	uint64_t count;
};

/* An open-addressing hash table of counts by text. */
struct folded_map {
	struct folded_entry *e;
	size_t cap, n; /* cap: 0 or a power of two */
};

struct folded {
	struct folded_map stacks; /* "outer;...;leaf" -> samples */
	struct folded_map self;   /* leaf function -> samples */
	uint64_t total;
};

struct folded_top {
	const char *name; /* lives until folded_free() */
	uint64_t count;
};

/* An empty aggregate (a zeroed struct is one too). */
void folded_init(struct folded *f);
/*
 * Count `count` samples of one stack: frames[0] is the outermost function,
 * frames[n - 1] the one running. A NULL frame reads "[unknown]"; ';' in a
 * name becomes ':' and blanks or control bytes '_', so each line stays
 * "a;b;c N". -EINVAL if n is 0, -ENOMEM.
 */
int folded_add(struct folded *f, const char *const *frames, size_t n, uint64_t count);
/* Write one "stack count" line per distinct stack, sorted by stack text
 * (byte order), so equal inputs give equal files. -ENOMEM, -EIO. */
int folded_write(const struct folded *f, FILE *out);
/*
 * The `max` functions with the most self samples (samples where they were
 * running), most first, ties by name; *n is how many were written. -ENOMEM.
 */
int folded_top(const struct folded *f, struct folded_top *out, size_t max, size_t *n);
void folded_free(struct folded *f);

#endif
