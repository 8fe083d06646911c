/* minimize.c: `vmm fuzz --minimize STATE` and --minimize-repros: ddmin over the fields in which a state differs from the valid one, each candidate run in the worker's VM, kept while its signature stays. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/err.h"
#include "vmm/exitcode.h"
#include "vmm/file.h"
#include "vmm/fuzz/ddmin.h"
#include "vmm/fuzz/fields.h"
#include "vmm/fuzz/findings.h"
#include "vmm/fuzz/worker.h"
#include "vmm/machine/stop.h"
#include "vmm/state.h"

struct oracle {
	struct worker *w;
	const struct field_list *l;
	uint64_t want;		/* the signature to keep */
	struct fuzz_outcome last; /* of the last run that kept it */
	unsigned runs;
};

/* Run `st` once in the worker's VM: its outcome and signature; false if interrupted. */
static bool run_state(struct worker *w, const struct entry_state *st, struct fuzz_outcome *o,
		      uint64_t *sig)
{
	bool done = fuzz_run_forced(w, st, o);

	*sig = fuzz_signature(o);
	return done;
}

static bool same_signature(void *ctx, const bool *keep, unsigned n)
{
	static struct entry_state cand;
	struct oracle *q = ctx;
	struct fuzz_outcome o;
	uint64_t sig;

	(void)n;
	if (stop_pending(NULL) != STOP_NONE || fields_apply(&q->w->m->entry, q->l, keep, &cand) < 0)
		return false;
	q->runs++;
	if (!run_state(q->w, &cand, &o, &sig) || sig != q->want)
		return false;
	q->last = o;
	return true;
}

/* Where the run ended (fuzz_outcome_where()), for the ends that happen at an instruction: a
 * triple fault, a halt with interrupts off, a panic, an internal error or an entry failure;
 * none for refusals and limits. */
static bool end_site(const struct fuzz_outcome *o, uint64_t *at)
{
	switch (o->cls) {
	case OUT_TRIPLE_FAULT:
	case OUT_HLT_IRQS_OFF:
	case OUT_PANIC:
	case OUT_INTERNAL_ERROR:
	case OUT_ENTRY_FAILURE:
		return fuzz_outcome_where(o, at);
	default:
		return false;
	}
}

/* " at 0xRIP (symbol+0xOFF)": the end's site, symbolized with --symbols where a text symbol
 * covers it and the kernel runs where it was linked (else the name would be another's). */
static void print_site(FILE *f, const struct fuzz_points *pts, const struct fuzz_outcome *o)
{
	uint64_t at, off;
	const char *sym = NULL;

	if (!end_site(o, &at))
		return;
	fprintf(f, " at 0x%" PRIx64, at);
	if (pts->syms && points_link_addresses(pts))
		sym = symtab_symbolize(pts->syms, at, &off);
	if (sym)
		fprintf(f, " (%s+0x%" PRIx64 ")", sym, off);
}

/* Minimize `st` (signature `sig`) into *min; prints "N fields: ... -> OUTCOME" to `f`. -EAGAIN
 * if the whole state does not give `sig` again (then nothing can be kept). */
static int minimize(struct worker *w, const struct entry_state *st, uint64_t sig, FILE *f,
		    struct entry_state *min)
{
	static struct field_list l;
	bool keep[FIELDS_MAX];
	struct oracle q = { .w = w, .l = &l, .want = sig };
	int r = fields_diff(&w->m->entry, st, &l);

	if (r < 0)
		return r;
	for (unsigned i = 0; i < l.n; i++)
		keep[i] = true;
	if (!same_signature(&q, keep, l.n))
		return errf(-EAGAIN, "the state does not give signature %016" PRIx64 " again", sig);
	ddmin(keep, l.n, same_signature, &q);
	r = fields_apply(&w->m->entry, &l, keep, min);
	if (r < 0)
		return r;
	fields_print(f, &l, keep);
	fprintf(f, " -> %s%s%s", fuzz_outcome_name(q.last.cls), *q.last.detail ? " " : "",
		q.last.detail);
	print_site(f, &w->pts, &q.last);
	fprintf(f, " (from %u changed fields, %u runs)\n", l.n, q.runs);
	return 0;
}

/* NAME minus ".state" plus ".min.state". */
static int min_name(const char *name, char *out, size_t len)
{
	size_t n = strlen(name);

	if (n < 6 || (size_t)snprintf(out, len, "%.*s.min.state", (int)(n - 6), name) >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* minimize() with its line kept in *line (malloc'd; NULL if none) until the caller knows
 * the search was not cut short. */
static int minimize_quietly(struct worker *w, const struct entry_state *st, uint64_t sig,
			    struct entry_state *min, char **line)
{
	size_t len = 0;
	FILE *f = open_memstream(line, &len);
	int r;

	if (!f)
		return errf(-ENOMEM, "open_memstream: %s", strerror(errno));
	r = minimize(w, st, sig, f, min);
	fclose(f);
	return r;
}

void minimize_repro(struct worker *w, const char *name, const struct entry_state *st, uint64_t sig)
{
	static struct entry_state min;
	char out[NAME_MAX + 1], *line = NULL;
	struct fuzz_outcome o = { 0 };
	int r = minimize_quietly(w, st, sig, &min, &line);

	if (r == 0 && fuzz_stop_status() != VMM_EXIT_OK)
		r = errf(-EINTR, "stopped by a signal before the search ended");
	if (r == 0)
		fprintf(stderr, "vmm fuzz: minimized %016" PRIx64 ": %s", sig, line ? line : "\n");
	else
		fprintf(stderr, "vmm fuzz: minimized %016" PRIx64 ": not minimized: %s\n", sig, err_msg());
	free(line);
	/* Nothing to write where it failed: `min` would be another signature's, or zeros. */
	if (r == 0 && min_name(name, out, sizeof(out)) == 0 && run_state(w, &min, &o, &sig))
		findings_write_at(w->cfg, findings_dir(false), w->cfg->fuzz.out_dir, out, &min, 0, &o,
				  false);
}

/* A state whose header says its run ended by itself gets the replay's limit for every run:
 * this fresh process runs it slower than the campaign's warm one did (measured nested: a
 * triple fault 46 ms into a campaign's run, and 41 ms in once warm, came only after the 100 ms
 * limit in a fresh process), and a longer limit cannot change how a run that ends by itself
 * ends, only let it get there. */
static void give_replay_limit(struct worker *w, const char *text, size_t len)
{
	enum fuzz_outcome_class cls;

	if (!fuzz_state_header_outcome(text, len, &cls) || fuzz_outcome_ended_by_limit(cls))
		return;
	w->run_ms = w->cfg->fuzz.run_ms + REPLAY_SLACK_MS;
	fprintf(stderr, "vmm fuzz: --minimize: the state ended by itself (%s): every run gets the "
		"replay's limit, %u ms\n", fuzz_outcome_name(cls), w->run_ms);
}

/* A stop signal ended --minimize before its result was confirmed: say so; 128 + its number. */
static int minimize_stopped(void)
{
	fprintf(stderr, "vmm fuzz: --minimize: stopped before the result was confirmed; nothing written\n");
	return fuzz_stop_status();
}

int minimize_main(struct worker *w)
{
	static struct entry_state st, min;
	const struct config *cfg = w->cfg;
	char out[PATH_MAX], *line = NULL;
	struct file_map fm;
	struct fuzz_outcome o;
	uint64_t sig;
	int r = file_map_max(cfg->fuzz.minimize, "state", STATE_FILE_MAX, &fm);

	st = w->m->entry;
	if (r == 0) {
		r = state_parse((const char *)fm.data, fm.len, &st);
		if (r == 0)
			give_replay_limit(w, (const char *)fm.data, fm.len);
		file_unmap(&fm);
	}
	if (r == 0 && !run_state(w, &st, &o, &sig))
		return minimize_stopped();
	if (r == 0)
		fprintf(stderr, "vmm fuzz: --minimize %s: %s %s, signature %016" PRIx64 "\n",
			cfg->fuzz.minimize, fuzz_outcome_name(o.cls), o.detail, sig);
	if (r == 0)
		r = minimize_quietly(w, &st, sig, &min, &line);
	/* A stop during the search leaves a state that is minimal for nothing (and a failed
	 * search that was only cut short): no line, no file, and the signal's exit status. */
	if (fuzz_stop_status() != VMM_EXIT_OK) {
		free(line);
		return minimize_stopped();
	}
	if (line)
		fputs(line, stdout);
	free(line);
	snprintf(out, sizeof(out), "%s/minimized.state", cfg->fuzz.out_dir);
	if (r == 0 && !run_state(w, &min, &o, &sig))
		return minimize_stopped();
	if (r == 0)
		r = findings_write_path(cfg, out, &min, 0, &o, false);
	if (r < 0) {
		fprintf(stderr, "vmm fuzz: --minimize %s: %s\n", cfg->fuzz.minimize, err_msg());
		return VMM_EXIT_USAGE;
	}
	fprintf(stderr, "vmm fuzz: wrote %s\n", out);
	return VMM_EXIT_OK;
}
