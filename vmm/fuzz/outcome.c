/* outcome.c: how a fuzz run ended (class, detail, signature), its JSON line and the summary. */
#define _GNU_SOURCE
#include "vmm/fuzz/outcome.h"

#include <ctype.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "vmm/machine/dispatch.h"
#include "vmm/exitcode.h"
#include "vmm/timing.h"

static const char *const names[OUT_CLASSES] = {
	[OUT_BOOT_DONE] = "boot-done", [OUT_MARKER] = "marker", [OUT_REACHED] = "reached", [OUT_DEBUG_EXIT] = "debug-exit",
	[OUT_RESET] = "reset", [OUT_PANIC] = "panic", [OUT_HLT_IRQS_OFF] = "hlt-irqs-off",
	[OUT_TRIPLE_FAULT] = "triple-fault", [OUT_KVM_REFUSED] = "kvm-refused",
	[OUT_VMM_REFUSED] = "vmm-refused", [OUT_ENTRY_FAILURE] = "entry-failure",
	[OUT_INTERNAL_ERROR] = "internal-error", [OUT_KVM_ERROR] = "kvm-error",
	[OUT_EXIT_LIMIT] = "exit-limit", [OUT_TIME_LIMIT] = "time-limit",
};

const char *fuzz_outcome_name(enum fuzz_outcome_class c)
{
	return (unsigned)c < OUT_CLASSES ? names[c] : "?";
}

int fuzz_outcome_replay_status(const struct fuzz_outcome *o)
{
	switch (o->cls) {
	case OUT_RESET: return VMM_EXIT_OK;
	case OUT_PANIC: /* a panic without a reset runs on until --timeout */
		return strcmp(o->detail, "no reset") ? VMM_EXIT_PANIC : VMM_EXIT_TIMEOUT;
	case OUT_DEBUG_EXIT: return vmm_exit_debug(strtoull(o->detail, NULL, 0));
	case OUT_TRIPLE_FAULT: return VMM_EXIT_TRIPLE_FAULT;
	case OUT_KVM_REFUSED: return VMM_EXIT_KVM_REFUSED;
	case OUT_VMM_REFUSED: return VMM_EXIT_USAGE;
	case OUT_ENTRY_FAILURE: return VMM_EXIT_ENTRY_FAIL;
	case OUT_INTERNAL_ERROR:
	case OUT_KVM_ERROR: return VMM_EXIT_INTERNAL;
	default: return VMM_EXIT_TIMEOUT; /* it runs on: only --timeout ends it */
	}
}

bool fuzz_outcome_is_crash(enum fuzz_outcome_class c)
{
	return c == OUT_TRIPLE_FAULT || c == OUT_ENTRY_FAILURE || c == OUT_INTERNAL_ERROR ||
	       c == OUT_KVM_ERROR || c == OUT_PANIC;
}

int fuzz_outcome_wait_status(const struct fuzz_outcome *o)
{
	if (fuzz_outcome_is_crash(o->cls))
		return SIGABRT; /* WIFSIGNALED, WTERMSIG == SIGABRT */
	return (fuzz_outcome_replay_status(o) & 0xff) << 8; /* WIFEXITED, WEXITSTATUS */
}

static void set(struct fuzz_outcome *o, enum fuzz_outcome_class c, const char *detail)
{
	o->cls = c;
	snprintf(o->detail, sizeof(o->detail), "%s", detail);
}

static void set_hex(struct fuzz_outcome *o, enum fuzz_outcome_class c, uint64_t v)
{
	o->cls = c;
	snprintf(o->detail, sizeof(o->detail), "0x%" PRIx64, v);
}

/* An exit that ends the run by itself (KVM's verdict or a device's). */
static bool by_exit(const struct fuzz_step *s, struct fuzz_outcome *o)
{
	const struct vm_exit *e = s->exit;

	switch (e->kind) {
	case EXIT_SHUTDOWN: set(o, OUT_TRIPLE_FAULT, ""); return true;
	case EXIT_FAIL_ENTRY: set_hex(o, OUT_ENTRY_FAILURE, e->detail); return true;
	case EXIT_INTERNAL: set_hex(o, OUT_INTERNAL_ERROR, e->detail); return true;
	case EXIT_SYSTEM_SHUTDOWN:
	case EXIT_SYSTEM_RESET:
	case EXIT_SYSTEM_CRASH: set_hex(o, OUT_RESET, e->detail); return true;
	default: break;
	}
	if (s->status == DISPATCH_CONTINUE)
		return false;
	if (s->status >= VMM_EXIT_DEBUG_BASE)
		set_hex(o, OUT_DEBUG_EXIT, (uint64_t)(s->status - VMM_EXIT_DEBUG_BASE));
	else if (s->status == VMM_EXIT_PANIC)
		set(o, OUT_PANIC, "then reset");
	else if (s->status == VMM_EXIT_OK)
		set(o, OUT_RESET, "i8042");
	else
		set_hex(o, OUT_KVM_ERROR, (uint64_t)s->status);
	return true;
}

/* One more exit of the run's own: counted, and the last among its last exits. */
static void count_exit(const struct fuzz_step *s, struct fuzz_outcome *o)
{
	o->exits++;
	if (o->nlast == FUZZ_LAST_EXITS)
		memmove(o->last, o->last + 1, sizeof(o->last[0]) * (FUZZ_LAST_EXITS - 1));
	else
		o->nlast++;
	o->last[o->nlast - 1] = s->exit->reason;
}

bool fuzz_classify(const struct fuzz_step *s, struct fuzz_outcome *o)
{
	/* A debug exit is vmm's doing: only its breakpoints and single steps make KVM exit on a
	 * #DB or #BP, the guest's own ones included (handed back to it). So it is no exit of the
	 * run's: a state makes the same count, last exits and signature whether vmm arms
	 * points (nokaslr) or not, and --run-exits counts what the guest did. */
	if (s->exit->kind != EXIT_DEBUG)
		count_exit(s, o);
	if (by_exit(s, o))
		return true;
	if (s->reached) {
		set(o, OUT_REACHED, s->reached);
		return true;
	}
	if (s->boot_signal >= 0) {
		if (s->boot_signal == TIMING_SIG_MARKER)
			set(o, OUT_MARKER, "");
		else
			set(o, OUT_BOOT_DONE, timing_signal_name((enum timing_signal)s->boot_signal));
		return true;
	}
	if (s->max_exits && o->exits >= s->max_exits) {
		set(o, OUT_EXIT_LIMIT, "");
		return true;
	}
	if (!s->time_up)
		return false;
	if (s->panic_seen)
		set(o, OUT_PANIC, "no reset");
	else if (s->halted && s->irqs_off)
		set(o, OUT_HLT_IRQS_OFF, "");
	else
		set(o, OUT_TIME_LIMIT, s->halted ? "halted" : "running");
	return true;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL; /* FNV-1a 64-bit prime */
	return h;
}

bool fuzz_outcome_ended_by_limit(enum fuzz_outcome_class c)
{
	return c == OUT_TIME_LIMIT || c == OUT_EXIT_LIMIT;
}

bool fuzz_outcome_judged_at_limit(enum fuzz_outcome_class c)
{
	return fuzz_outcome_ended_by_limit(c) || c == OUT_HLT_IRQS_OFF;
}

enum fuzz_outcome_class fuzz_outcome_map_class(enum fuzz_outcome_class c)
{
	return fuzz_outcome_judged_at_limit(c) ? OUT_TIME_LIMIT : c;
}

/* The class named by the n bytes at `name`; OUT_CLASSES if none. */
static enum fuzz_outcome_class class_named(const char *name, size_t n)
{
	enum fuzz_outcome_class c = 0;

	while (c < OUT_CLASSES && !(strlen(names[c]) == n && !memcmp(names[c], name, n)))
		c++;
	return c;
}

bool fuzz_state_header_outcome(const char *text, size_t len, enum fuzz_outcome_class *cls)
{
	const size_t plen = strlen(FUZZ_STATE_HEADER), klen = strlen(FUZZ_STATE_HEADER_OUTCOME);
	const char *p = text, *end = text + len;

	while (p < end && *p == '#') { /* the comment lines at the top */
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = eol ? eol : end;
		const char *k = (size_t)(line_end - p) >= plen && !memcmp(p, FUZZ_STATE_HEADER, plen) ?
					memmem(p, (size_t)(line_end - p), FUZZ_STATE_HEADER_OUTCOME, klen) :
					NULL;

		if (k) {
			const char *w = k + klen, *we = w;

			while (we < line_end && *we != ' ')
				we++;
			*cls = class_named(w, (size_t)(we - w));
			return *cls < OUT_CLASSES;
		}
		p = eol ? eol + 1 : end;
	}
	return false;
}

#define RULE_CHARS 32 /* fnv_rule(): a 63-character detail keeps this many beside 2 long numbers */

static bool is_number_char(char c)
{
	return isxdigit((unsigned char)c) || c == 'x' || c == 'X';
}

/* A refusal's detail as the rule it names: every number (a run that starts with a digit and
 * goes on in hex digits and x) left out, so "base 0x30001 is not page-aligned" and "base
 * 0x2fff1 ..." are one finding (the numbers are the state's, and its file keeps them), and
 * only the first RULE_CHARS other characters: the detail is cut at its room, earlier where
 * its numbers are longer, so what comes late differs between states of one rule. */
static uint64_t fnv_rule(uint64_t h, const char *detail)
{
	unsigned n = 0;

	for (const char *p = detail; *p && n < RULE_CHARS;) {
		if (*p >= '0' && *p <= '9') {
			while (is_number_char(*p))
				p++;
			continue;
		}
		h = fnv(h, p++, 1);
		n++;
	}
	return h;
}

bool fuzz_outcome_where(const struct fuzz_outcome *o, uint64_t *at)
{
	if (o->cls != OUT_TRIPLE_FAULT)
		*at = o->rip;
	else if (o->seen)
		*at = o->seen_rip;
	return o->cls != OUT_TRIPLE_FAULT || o->seen;
}

uint64_t fuzz_signature(const struct fuzz_outcome *o)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a 64-bit offset basis */
	uint32_t cls = (uint32_t)o->cls;
	uint64_t where = UINT64_MAX, page;

	fuzz_outcome_where(o, &where);
	page = where >> 12;

	h = fnv(h, &cls, sizeof(cls));
	h = fnv(h, &o->passed, sizeof(o->passed));
	if (fuzz_outcome_ended_by_limit(o->cls) || o->unparsed)
		return h;
	/* vmm's refusals by their rule; other details (an entry failure's hardware reason) whole */
	h = o->cls == OUT_VMM_REFUSED ? fnv_rule(h, o->detail) : fnv(h, o->detail, strlen(o->detail));
	h = fnv(h, &page, sizeof(page));
	return fnv(h, o->last, sizeof(o->last[0]) * o->nlast);
}

static void print_mutation(FILE *f, const struct fuzz_mutation *m)
{
	fputs(",\"mutated\":[", f);
	for (unsigned i = 0; i < m->n; i++) {
		fputs(i ? "," : "", f);
		json_print_string(f, m->field[i]);
	}
	fputs("],\"classes\":[", f);
	for (unsigned i = 0; i < m->n; i++) {
		fputs(i ? "," : "", f);
		json_print_string(f, fuzz_class_name(m->cls[i]));
	}
	fputc(']', f);
}

static void print_origin(FILE *f, const struct fuzz_origin *o)
{
	static const char *const kind[] = { [ORIGIN_VALID] = "valid", [ORIGIN_SEED] = "seed",
					    [ORIGIN_BLIND] = "blind", [ORIGIN_CORPUS] = "corpus" };

	fprintf(f, ",\"from\":\"%s\"", kind[o->kind]);
	if (o->kind != ORIGIN_CORPUS)
		return;
	fprintf(f, ",\"parent\":%" PRIu64, o->parent);
	if (o->spliced)
		fprintf(f, ",\"splice\":%" PRIu64, o->splice);
}

void fuzz_print_record(FILE *f, const struct fuzz_record *r)
{
	const struct fuzz_outcome *o = r->out;

	fprintf(f, "{\"seed\":%" PRIu64 ",\"index\":%" PRIu64 ",\"state\":", r->seed, r->index);
	json_print_string(f, r->state_hash);
	print_mutation(f, r->mut);
	fputs(",\"outcome\":", f);
	json_print_string(f, fuzz_outcome_name(o->cls));
	fputs(",\"detail\":", f);
	json_print_string(f, o->detail);
	fprintf(f, ",\"signature\":\"%016" PRIx64 "\"", r->signature);
	fputs(",\"last_exits\":[", f);
	for (unsigned i = 0; i < o->nlast; i++)
		fprintf(f, "%s%u", i ? "," : "", o->last[i]);
	fprintf(f, "],\"exits\":%" PRIu64 ",\"rip\":\"0x%" PRIx64 "\"", o->exits, o->rip);
	if (o->seen)
		fprintf(f, ",\"last_rip_seen\":\"0x%" PRIx64 "\"", o->seen_rip);
	fprintf(f, ",\"progress\":\"%s\",\"us\":%" PRIu64 ",\"replay_exit\":%d", o->progress, r->us,
		fuzz_outcome_replay_status(o));
	fprintf(f, ",\"reset_us\":{\"mem\":%.1f,\"cpu\":%.1f,\"pages\":%" PRIu64
		",\"dirty\":%" PRIu64 ",\"rewritten\":%" PRIu64 "}", (double)r->reset_mem_ns / 1000,
		(double)r->reset_cpu_ns / 1000, r->pages_restored, r->pages_dirty, r->pages_rewritten);
	fprintf(f, ",\"run_us\":%" PRIu64, r->run_ns / 1000);
	if (r->violations >= 0)
		fprintf(f, ",\"violations\":%d", r->violations);
	if (r->edges >= 0)
		fprintf(f, ",\"edges\":%d,\"map\":%u,\"new_bits\":%d", r->edges, r->map_seen,
			r->map_news);
	if (r->origin)
		print_origin(f, r->origin);
	if (r->reset_diff >= 0) {
		fprintf(f, ",\"reset_diff\":%d,\"reset_diff_blocks\":", r->reset_diff);
		json_print_string(f, r->reset_what ? r->reset_what : "");
	}
	if (r->repro) {
		fputs(",\"repro\":", f);
		json_print_string(f, r->repro);
	}
	fputs("}\n", f);
}

bool fuzz_parse_line(const char *line, struct fuzz_outcome *o, uint64_t *sig, uint64_t *index)
{
	const char *p = json_find_key(line, "index");
	char name[32], hex[24];

	if (!p || !json_read_string(json_find_key(line, "outcome"), name, sizeof(name)) ||
	    !json_read_string(json_find_key(line, "detail"), o->detail, sizeof(o->detail)) ||
	    !json_read_string(json_find_key(line, "signature"), hex, sizeof(hex)))
		return false;
	*index = strtoull(p, NULL, 10);
	*sig = strtoull(hex, NULL, 16);
	o->cls = class_named(name, strlen(name));
	return o->cls < OUT_CLASSES;
}

bool fuzz_summary_add(struct fuzz_summary *s, const struct fuzz_outcome *o, uint64_t sig,
		      uint64_t index)
{
	s->runs++;
	s->by_class[o->cls < OUT_CLASSES ? o->cls : OUT_KVM_ERROR]++;
	for (unsigned i = 0; i < s->nsig; i++) {
		if (s->sigs[i].sig == sig) {
			s->sigs[i].count++;
			return false;
		}
	}
	if (s->nsig == FUZZ_MAX_SIGNATURES)
		return false; /* full: later signatures are counted by class only */
	s->sigs[s->nsig].sig = sig;
	s->sigs[s->nsig].count = 1;
	s->sigs[s->nsig].first_index = index;
	s->sigs[s->nsig].cls = o->cls;
	snprintf(s->sigs[s->nsig].detail, sizeof(s->sigs[0].detail), "%s", o->detail);
	s->nsig++;
	return true;
}

void fuzz_summary_print(FILE *f, const struct fuzz_summary *s, double seconds)
{
	fprintf(f, "vmm fuzz: %" PRIu64 " runs in %.1f s (%.1f runs/s), %u signatures\n", s->runs,
		seconds, seconds > 0 ? (double)s->runs / seconds : 0.0, s->nsig);
	fprintf(f, "%-16s %8s\n", "outcome", "runs");
	for (unsigned c = 0; c < OUT_CLASSES; c++)
		if (s->by_class[c])
			fprintf(f, "%-16s %8" PRIu64 "\n", names[c], s->by_class[c]);
	fprintf(f, "%-18s %-16s %-20s %8s %s\n", "signature", "outcome", "detail", "runs", "first");
	for (unsigned i = 0; i < s->nsig; i++)
		fprintf(f, "%016" PRIx64 "   %-16s %-20s %8" PRIu64 " %" PRIu64 "\n", s->sigs[i].sig,
			names[s->sigs[i].cls], s->sigs[i].detail, s->sigs[i].count, s->sigs[i].first_index);
}
