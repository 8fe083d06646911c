/* folded.c: folded-stack aggregation over an open-addressing hash table; deterministic output order. */
#include "vmm/profile/folded.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/err.h"

void folded_init(struct folded *f)
{
	memset(f, 0, sizeof(*f));
}

static uint64_t folded_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

/* The slot holding `key`, or the free slot where it would go. */
static struct folded_entry *map_slot(const struct folded_map *m, const char *key)
{
	size_t i = (size_t)folded_hash(key) & (m->cap - 1);

	while (m->e[i].key && strcmp(m->e[i].key, key))
		i = (i + 1) & (m->cap - 1);
	return &m->e[i];
}

/* Keep the table at most 3/4 full. */
static int map_grow(struct folded_map *m)
{
	struct folded_map bigger = { .cap = m->cap ? m->cap * 2 : 64, .n = m->n };

	if (m->cap && (m->n + 1) * 4 <= m->cap * 3)
		return 0;
	bigger.e = calloc(bigger.cap, sizeof(*bigger.e));
	if (!bigger.e)
		return errf(-ENOMEM, "folded: out of memory for %zu stacks", bigger.cap);
	for (size_t i = 0; i < m->cap; i++) {
		if (m->e[i].key)
			*map_slot(&bigger, m->e[i].key) = m->e[i];
	}
	free(m->e);
	*m = bigger;
	return 0;
}

/* Add `count` to `key` (taking ownership of key, freed if already there). */
static int map_add(struct folded_map *m, char *key, uint64_t count)
{
	struct folded_entry *e;
	int r = map_grow(m);

	if (r < 0) {
		free(key);
		return r;
	}
	e = map_slot(m, key);
	if (e->key) {
		free(key);
	} else {
		e->key = key;
		m->n++;
	}
	e->count += count;
	return 0;
}

static void map_free(struct folded_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->e[i].key);
	free(m->e);
	memset(m, 0, sizeof(*m));
}

static const char *frame_name(const char *s)
{
	return s ? s : "[unknown]";
}

/* Copy a frame name, made safe for the "a;b;c N" line. */
static char *frame_copy(char *dst, const char *name)
{
	for (; *name; name++) {
		unsigned char c = (unsigned char)*name;

		*dst++ = c == ';' ? ':' : c <= ' ' || c == 0x7f ? '_' : (char)c;
	}
	return dst;
}

static char *stack_key(const char *const *frames, size_t first, size_t n)
{
	size_t len = 1;
	char *key, *p;

	for (size_t i = first; i < n; i++)
		len += strlen(frame_name(frames[i])) + 1;
	key = malloc(len);
	if (!key)
		return NULL;
	p = key;
	for (size_t i = first; i < n; i++) {
		if (i > first)
			*p++ = ';';
		p = frame_copy(p, frame_name(frames[i]));
	}
	*p = '\0';
	return key;
}

int folded_add(struct folded *f, const char *const *frames, size_t n, uint64_t count)
{
	char *stack, *leaf;
	int r;

	if (n == 0)
		return errf(-EINVAL, "folded: a stack of no frames");
	stack = stack_key(frames, 0, n);
	leaf = stack_key(frames, n - 1, n);
	if (!stack || !leaf) {
		free(stack);
		free(leaf);
		return errf(-ENOMEM, "folded: out of memory for a stack of %zu frames", n);
	}
	r = map_add(&f->stacks, stack, count);
	if (r == 0)
		r = map_add(&f->self, leaf, count);
	else
		free(leaf);
	if (r == 0)
		f->total += count;
	return r;
}

/* The used entries of m, as an array of pointers (caller frees). */
static const struct folded_entry **map_list(const struct folded_map *m)
{
	const struct folded_entry **list = malloc((m->n ? m->n : 1) * sizeof(*list));
	size_t k = 0;

	for (size_t i = 0; list && i < m->cap; i++) {
		if (m->e[i].key)
			list[k++] = &m->e[i];
	}
	return list;
}

static int cmp_key(const void *a, const void *b)
{
	const struct folded_entry *const *x = a, *const *y = b;

	return strcmp((*x)->key, (*y)->key);
}

static int cmp_count(const void *a, const void *b)
{
	const struct folded_entry *const *x = a, *const *y = b;

	if ((*x)->count != (*y)->count)
		return (*x)->count > (*y)->count ? -1 : 1;
	return strcmp((*x)->key, (*y)->key);
}

int folded_write(const struct folded *f, FILE *out)
{
	const struct folded_entry **list = map_list(&f->stacks);

	if (!list)
		return errf(-ENOMEM, "folded: out of memory for %zu stacks", f->stacks.n);
	qsort(list, f->stacks.n, sizeof(*list), cmp_key);
	for (size_t i = 0; i < f->stacks.n; i++)
		fprintf(out, "%s %" PRIu64 "\n", list[i]->key, list[i]->count);
	free(list);
	if (fflush(out) != 0 || ferror(out))
		return errf(-EIO, "folded: writing the stacks failed");
	return 0;
}

int folded_top(const struct folded *f, struct folded_top *out, size_t max, size_t *n)
{
	const struct folded_entry **list = map_list(&f->self);

	if (!list)
		return errf(-ENOMEM, "folded: out of memory for %zu functions", f->self.n);
	qsort(list, f->self.n, sizeof(*list), cmp_count);
	*n = max < f->self.n ? max : f->self.n;
	for (size_t i = 0; i < *n; i++)
		out[i] = (struct folded_top){ .name = list[i]->key, .count = list[i]->count };
	free(list);
	return 0;
}

void folded_free(struct folded *f)
{
	map_free(&f->stacks);
	map_free(&f->self);
	f->total = 0;
}
