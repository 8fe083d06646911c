/* report.c: --profile's end: samples symbolized into folded stacks, top-N tables and samples per phase. */
#include "vmm/profile/report.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "mmu/err.h"
#include "vmm/profile/folded.h"
#include "vmm/profile/kaslr.h"

/* Everything counted in one pass over the samples. */
struct prof_agg {
	struct folded all, cls[PROF_CLASSES];
	uint64_t per_cls[PROF_CLASSES];
	uint64_t per_phase[TIMING_PHASES + 1][PROF_CLASSES];
	uint64_t chained, walkable; /* kernel-half samples with a chain / all of them */
	uint64_t first_ns, last_ns;  /* the sampled span */
};

const char *prof_frame_name(const struct prof_input *in, enum prof_class cls, uint64_t pc,
			    char buf[24])
{
	const char *name = NULL;
	bool kernel = pc >= PROF_KERNEL_HALF || cls == PROF_KERNEL; /* a 32-bit kernel's too */

	if (cls == PROF_USER)
		return "[userspace]";
	if (in->syms && kernel && !in->slide_note)
		name = symtab_symbolize(in->syms, kaslr_to_link(pc, in->slide), NULL);
	else if (in->syms && !kernel)
		name = symtab_symbolize(in->syms, pc, NULL);
	if (name)
		return name;
	snprintf(buf, 24, "0x%" PRIx64, pc);
	return buf;
}

enum timing_phase prof_vmm_phase(const struct timing *t, uint64_t t_ns)
{
	enum timing_phase best = TIMING_PHASES;

	for (unsigned p = 0; t && p < TIMING_PHASES; p++)
		if (t->at[p] && t->at[p] <= t_ns && (best == TIMING_PHASES || t->at[p] >= t->at[best]))
			best = (enum timing_phase)p;
	return best;
}

/* One sample into the aggregate: outermost frame first, the class as the root. */
static int agg_add(struct prof_agg *a, const struct prof_input *in, const struct prof_sample *s)
{
	char bufs[PROF_MAX_DEPTH][24];
	const char *frames[PROF_MAX_DEPTH + 1];
	enum prof_class c = s->cls < PROF_CLASSES ? (enum prof_class)s->cls : PROF_EARLY;
	unsigned n = 0;
	int r;

	frames[n++] = prof_class_name(c, in->decompressor);
	for (unsigned i = s->depth; i-- > 0;)
		frames[n++] = prof_frame_name(in, c, s->pc[i], bufs[i]);
	a->per_cls[c]++;
	if (!a->first_ns || s->t_ns < a->first_ns)
		a->first_ns = s->t_ns;
	a->last_ns = s->t_ns > a->last_ns ? s->t_ns : a->last_ns;
	a->per_phase[prof_vmm_phase(in->timing, s->t_ns)][c]++;
	if (c != PROF_USER && s->pc[0] >= PROF_KERNEL_HALF) {
		a->walkable++;
		a->chained += s->depth > 1;
	}
	r = folded_add(&a->all, frames, n, 1);
	return r < 0 ? r : folded_add(&a->cls[c], frames + 1, n - 1, 1);
}

static double pct(uint64_t part, uint64_t all)
{
	return all ? 100.0 * (double)part / (double)all : 0.0;
}

static int print_top(FILE *f, const struct folded *fo, size_t max, const char *title)
{
	struct folded_top top[PROF_TOP];
	size_t n;
	int r = folded_top(fo, top, max < PROF_TOP ? max : PROF_TOP, &n);

	if (r < 0 || n == 0)
		return r;
	fprintf(f, "vmm: profile: %s\n", title);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "  %6.2f%% %8" PRIu64 "  %s\n", pct(top[i].count, fo->total),
			top[i].count, top[i].name);
	return 0;
}

static void print_phases(FILE *f, const struct prof_input *in, const struct prof_agg *a)
{
	fprintf(f, "vmm: profile: samples per guest phase (address class):");
	for (unsigned c = 0; c < PROF_CLASSES; c++)
		fprintf(f, " %s %" PRIu64 " (%.1f%%)", prof_class_name(c, in->decompressor),
			a->per_cls[c], pct(a->per_cls[c], in->n));
	fprintf(f, "\nvmm: profile: samples per vmm phase (from its stamp on):\n");
	for (unsigned p = 0; p <= TIMING_PHASES; p++) {
		uint64_t sum = 0;

		for (unsigned c = 0; c < PROF_CLASSES; c++)
			sum += a->per_phase[p][c];
		if (!sum)
			continue;
		fprintf(f, "  %-18s %8" PRIu64, p < TIMING_PHASES ? timing_phase_name(p) : "(before)", sum);
		for (unsigned c = 0; c < PROF_CLASSES; c++)
			fprintf(f, "  %s %" PRIu64, prof_class_name(c, in->decompressor), a->per_phase[p][c]);
		fputc('\n', f);
	}
}

static void print_header(FILE *f, const struct prof_input *in, const struct prof_agg *a)
{
	double span = (double)(a->last_ns - a->first_ns) / 1e9;

	fprintf(f, "vmm: profile: %zu samples at %u Hz on %u vCPU%s (%" PRIu64 " dropped: buffer full)\n",
		in->n, in->hz, in->ncpus, in->ncpus == 1 ? "" : "s", in->dropped);
	if (span > 0)
		fprintf(f, "vmm: profile: %.0f samples per second over %.3f s (timer signals the host delivered late or merged are missing)\n",
			(double)in->n / span, span);
	if (a->walkable)
		fprintf(f, "vmm: profile: kernel stacks: %" PRIu64 " of %" PRIu64 " samples with a frame-pointer chain%s\n",
			a->chained, a->walkable,
			a->chained * 2 < a->walkable ? "; the rest are the RIP alone (no frame "
			"pointers: a kernel without CONFIG_FRAME_POINTER, e.g. ORC)" : "");
	if (!in->syms)
		fprintf(f, "vmm: profile: no --symbols: addresses in hex\n");
	else if (in->slide_note)
		fprintf(f, "vmm: profile: kernel addresses in hex: %s\n", in->slide_note);
	else if (in->slide)
		fprintf(f, "vmm: profile: KASLR slide 0x%" PRIx64 " (from the guest's %s)\n",
			(uint64_t)in->slide, in->slide_from_idt ? "IDT" : "page tables");
}

static int print_tables(FILE *f, const struct prof_input *in, const struct prof_agg *a)
{
	char title[64];
	int r;

	print_header(f, in, a);
	print_phases(f, in, a);
	r = print_top(f, &a->all, PROF_TOP, "top functions (self samples, all phases):");
	for (unsigned c = 0; r == 0 && c < PROF_CLASSES; c++) {
		snprintf(title, sizeof(title), "top functions in %s:", prof_class_name(c, in->decompressor));
		r = print_top(f, &a->cls[c], PROF_TOP_CLASS, title);
	}
	return r;
}

int prof_report(const struct prof_input *in, FILE *folded, FILE *text)
{
	struct prof_agg a = { 0 };
	int r = 0;

	for (size_t i = 0; r == 0 && i < in->n; i++)
		r = agg_add(&a, in, &in->s[i]);
	if (r == 0 && folded)
		r = folded_write(&a.all, folded);
	if (r == 0)
		r = print_tables(text, in, &a);
	folded_free(&a.all);
	for (unsigned c = 0; c < PROF_CLASSES; c++)
		folded_free(&a.cls[c]);
	return r;
}
