/* corpus.c: corpus admission by new map bits, per-edge entry counts, and a weighted parent draw. */
#include "vmm/fuzz/corpus.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/err.h"
#include "vmm/fuzz/mutate.h"

#define RARE_SCALE 1024 /* an edge only one entry covers adds this to the entry's weight */

int corpus_init(struct corpus *c)
{
	memset(c, 0, sizeof(*c));
	c->hits = calloc(COVMAP_SIZE, sizeof(*c->hits));
	c->by_sum = calloc(CORPUS_MAX, sizeof(*c->by_sum));
	c->by_mean = calloc(CORPUS_MAX, sizeof(*c->by_mean));
	if (c->hits && c->by_sum && c->by_mean)
		return 0;
	corpus_free(c);
	return errf(-ENOMEM, "out of memory");
}

void corpus_free(struct corpus *c)
{
	for (unsigned i = 0; i < c->n; i++)
		free(c->e[i].edges);
	free(c->e);
	free(c->hits);
	free(c->by_sum);
	free(c->by_mean);
	memset(c, 0, sizeof(*c));
}

static int grow(struct corpus *c)
{
	unsigned cap = c->cap ? c->cap * 2 : 64;
	struct corpus_entry *e;

	if (c->n < c->cap)
		return 0;
	e = realloc(c->e, cap * sizeof(*e));
	if (!e)
		return errf(-ENOMEM, "out of memory");
	c->e = e;
	c->cap = cap;
	return 0;
}

int corpus_admit(struct corpus *c, uint8_t *virgin, const struct entry_state *st,
		 const uint8_t *bits, uint64_t sig)
{
	int r;

	if (covmap_new_bits(bits, virgin) == 0)
		return 0;
	r = corpus_add(c, st, bits, sig);
	return r < 0 ? r : 1;
}

int corpus_add(struct corpus *c, const struct entry_state *st, const uint8_t *bits, uint64_t sig)
{
	struct corpus_entry *e;
	unsigned n = covmap_count(bits), k = 0;

	if (c->n >= CORPUS_MAX)
		return -ENOSPC;
	if (grow(c) < 0)
		return -ENOMEM;
	e = &c->e[c->n];
	*e = (struct corpus_entry){ .st = *st, .sig = sig, .nedges = n };
	e->edges = malloc((n ? n : 1) * sizeof(*e->edges));
	if (!e->edges)
		return errf(-ENOMEM, "out of memory");
	for (uint32_t i = 0; i < COVMAP_SIZE; i++)
		if (bits[i]) {
			e->edges[k++] = i;
			c->hits[i]++;
		}
	c->n++;
	c->stale = true; /* the new entry's edges change the weights of all that share them */
	return 0;
}

uint64_t corpus_weight(const struct corpus *c, unsigned i)
{
	const struct corpus_entry *e = &c->e[i];
	uint64_t w = 1;

	for (unsigned j = 0; j < e->nedges; j++)
		w += RARE_SCALE / c->hits[e->edges[j]];
	return w;
}

uint64_t corpus_weight_mean(const struct corpus *c, unsigned i)
{
	unsigned n = c->e[i].nedges;

	return n ? 1 + (corpus_weight(c, i) - 1) / n : 1;
}

/* A stream for (seed, index, salt): SplitMix64 seeded as the mutator seeds its runs. */
static uint64_t draw(uint64_t seed, uint64_t index, uint64_t salt)
{
	uint64_t s = seed ^ (salt * 0xd1b54a32d192ed03ULL);

	s = fuzz_splitmix64(&s) ^ (index * 0x9e3779b97f4a7c15ULL);
	return fuzz_splitmix64(&s);
}

bool corpus_pick_by_mean(uint64_t seed, uint64_t index)
{
	return draw(seed, index, 4) % 2 == 0;
}

static void refresh_weights(struct corpus *c)
{
	c->total_sum = c->total_mean = 0;
	for (unsigned i = 0; i < c->n; i++) {
		c->total_sum += c->by_sum[i] = corpus_weight(c, i);
		c->total_mean += c->by_mean[i] = corpus_weight_mean(c, i);
	}
	c->stale = false;
}

unsigned corpus_pick(struct corpus *c, uint64_t seed, uint64_t index)
{
	bool mean = corpus_pick_by_mean(seed, index);
	const uint64_t *w;
	uint64_t r;
	unsigned i;

	if (c->stale)
		refresh_weights(c);
	w = mean ? c->by_mean : c->by_sum;
	r = draw(seed, index, 1) % (mean ? c->total_mean : c->total_sum);
	for (i = 0; i + 1 < c->n && r >= w[i]; i++)
		r -= w[i];
	return i;
}

bool corpus_explore(uint64_t seed, uint64_t index)
{
	return draw(seed, index, 3) % CORPUS_EXPLORE_ONE_IN == 0;
}

unsigned corpus_pick_other(const struct corpus *c, uint64_t seed, uint64_t index, unsigned not)
{
	unsigned i;

	if (c->n < 2)
		return not;
	i = (unsigned)(draw(seed, index, 2) % (c->n - 1));
	return i >= not ? i + 1 : i;
}
