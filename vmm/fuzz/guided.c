/* guided.c: `vmm fuzz --guided`: the corpus directory (seeds in, new-coverage states out) and the state of each run: a seed, or a corpus entry mutated and sometimes spliced. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mmu/err.h"
#include "vmm/file.h"
#include "vmm/fuzz/findings.h"
#include "vmm/fuzz/repro.h"
#include "vmm/fuzz/worker.h"
#include "vmm/state.h"

#define SPLICE_ONE_IN 8 /* one guided run in 8 (with two entries or more) also splices */

static int is_state_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 6 && !strcmp(d->d_name + n - 6, ".state");
}

/* DIR/NAME on top of the valid state; -EINVAL naming the file if it does not parse. */
static int load_seed(struct worker *w, const char *name, struct entry_state *st)
{
	char path[PATH_MAX], why[256];
	struct file_map f;
	int r;

	if (snprintf(path, sizeof(path), "%s/%s", w->g->dir, name) >= (int)sizeof(path))
		return errf(-ENAMETOOLONG, "--corpus: %s/%s: name too long", w->g->dir, name);
	r = file_map_max(path, "corpus state", STATE_FILE_MAX, &f);
	if (r < 0)
		return r;
	*st = w->m->entry;
	r = state_parse((const char *)f.data, f.len, st);
	file_unmap(&f);
	if (r < 0) {
		snprintf(why, sizeof(why), "%s", err_msg());
		return errf(r, "--corpus: %s: %s", path, why);
	}
	return 0;
}

/* Every *.state in the directory, in name order, as the first runs' states. */
static int load_seeds(struct worker *w)
{
	struct guided *g = w->g;
	struct dirent **names;
	int n = scandir(g->dir, &names, is_state_file, alphasort), r = 0;

	if (n < 0)
		return errf(-errno, "--corpus %s: %s", g->dir, strerror(errno));
	g->seeds = calloc(n ? (size_t)n : 1, sizeof(*g->seeds));
	if (!g->seeds)
		r = errf(-ENOMEM, "out of memory");
	for (int i = 0; i < n; i++) {
		if (r == 0 && (r = load_seed(w, names[i]->d_name, &g->seeds[g->nseeds])) == 0)
			g->nseeds++;
		free(names[i]);
	}
	free(names);
	return r;
}

int guided_setup(struct worker *w)
{
	const struct config *cfg = w->cfg;
	struct guided *g = calloc(1, sizeof(*g));
	int r;

	if (!g)
		return errf(-ENOMEM, "out of memory");
	g->dir_fd = -1;
	w->g = g;
	if (snprintf(g->dir, sizeof(g->dir), "%s%s", cfg->fuzz.corpus ? cfg->fuzz.corpus :
		     cfg->fuzz.out_dir, cfg->fuzz.corpus ? "" : "/corpus") >= (int)sizeof(g->dir))
		return errf(-ENAMETOOLONG, "--corpus: directory name too long");
	if (mkdir(g->dir, 0777) < 0 && errno != EEXIST)
		return errf(-errno, "--corpus %s: %s", g->dir, strerror(errno));
	/* Open before the sandbox: new corpus states are written through it. */
	if ((r = repro_dir_open(g->dir, &g->dir_fd)) < 0)
		return errf(r, "--corpus %s: %s", g->dir, strerror(-r));
	r = corpus_init(&g->corpus);
	if (r == 0)
		r = load_seeds(w);
	if (r == 0)
		fprintf(stderr, "vmm fuzz: guided: corpus %s, %u seed states (runs 1..%u)\n", g->dir,
			g->nseeds, g->nseeds);
	return r;
}

void guided_free(struct worker *w)
{
	if (!w->g)
		return;
	/* The corpus directory stays open until exit, as --out's: the sandbox lets a worker
	 * close only the file it writes. */
	corpus_free(&w->g->corpus);
	free(w->g->seeds);
	free(w->g);
	w->g = NULL;
}

void guided_make(struct worker *w, uint64_t index, struct entry_state *st,
		 const struct fuzz_target *t, struct fuzz_mutation *mut)
{
	const struct config *cfg = w->cfg;
	struct guided *g = w->g;
	struct corpus *c = &g->corpus;
	enum fuzz_mode mode = cfg->fuzz.wild ? FUZZ_WILD : FUZZ_NEAR;
	uint64_t rng = cfg->fuzz.seed ^ (index * 0xa0761d6478bd642fULL);
	unsigned p, q;

	if (index <= g->nseeds) {
		*st = g->seeds[index - 1];
		g->origin = (struct fuzz_origin){ .kind = ORIGIN_SEED };
		return;
	}
	/* Nothing admitted yet (every run so far interrupted), or exploring: blind's state. */
	if (c->n == 0 || corpus_explore(cfg->fuzz.seed, index)) {
		fuzz_mutate(st, t, cfg->fuzz.seed, index, mode, mut);
		g->explored += c->n > 0;
		g->origin = (struct fuzz_origin){ .kind = ORIGIN_BLIND };
		return;
	}
	p = corpus_pick(c, cfg->fuzz.seed, index);
	*st = c->e[p].st;
	g->origin = (struct fuzz_origin){ .kind = ORIGIN_CORPUS, .parent = c->e[p].run };
	fuzz_mutate_from(st, &w->m->entry, t, cfg->fuzz.seed, index, mode, mut);
	if (c->n < 2 || fuzz_splitmix64(&rng) % SPLICE_ONE_IN != 0)
		return;
	q = corpus_pick_other(c, cfg->fuzz.seed, index, p);
	if (fuzz_splice(st, &w->m->entry, &c->e[q].st, &rng, mut)) {
		g->splices++;
		g->origin.spliced = true;
		g->origin.splice = c->e[q].run;
	}
}

void guided_after(struct worker *w, uint64_t index, const struct entry_state *st,
		  const struct fuzz_outcome *o, uint64_t sig)
{
	struct guided *g = w->g;
	char name[NAME_MAX + 1], hash[17];
	int r;

	if (w->fb->news == 0)
		return;
	r = corpus_add(&g->corpus, st, w->fb->map.bits, sig);
	if (r == -ENOSPC && !g->full_said++)
		fprintf(stderr, "vmm fuzz: guided: the corpus is full (%u entries): from run %" PRIu64
			" on, states with new map bits are neither kept nor written\n", CORPUS_MAX, index);
	if (r < 0)
		return;
	g->corpus.e[g->corpus.n - 1].run = index;
	g->admitted++;
	/* Run 0 is the valid state and the seeds came from the directory: not written again. */
	if (index == 0 || index <= g->nseeds)
		return;
	/* The state's own hash in the name: a resumed campaign counts its runs from the seeds
	 * again, so INDEX-SIGNATURE alone could name an older entry, which it must not replace
	 * (the same name now means the same state; first wins). */
	fuzz_state_hash(st, hash);
	snprintf(name, sizeof(name), "%06" PRIu64 "-%016" PRIx64 "-%s.state", index, sig, hash);
	r = findings_write_at(w->cfg, g->dir_fd, g->dir, name, st, index, o, true);
	if (r < 0 && r != -EEXIST)
		fprintf(stderr, "vmm fuzz: guided: --corpus %s: %s not written: %s\n", g->dir, name,
			strerror(-r));
}
