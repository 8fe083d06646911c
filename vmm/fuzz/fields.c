/* fields.c: entry states compared and rebuilt key by key through their dump text (vmm/state.c). */
#define _GNU_SOURCE
#include "vmm/fuzz/fields.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/err.h"
#include "vmm/state.h"

#define DUMP_MAX_KEYS 192

/* The flag registers, split bit by bit (SDM Vol. 1 §3.4.3, Vol. 3A §2.5, §2.2.1); an unnamed
 * bit is "bitN". */
struct flag_reg {
	const char *name;
	size_t off; /* in struct boot_cpu */
	const char *bits[32];
};

static const struct flag_reg flag_regs[] = {
	{ "rflags", offsetof(struct boot_cpu, rflags),
	  { "cf", "bit1", "pf", 0, "af", 0, "zf", "sf", "tf", "if", "df", "of", "iopl0", "iopl1",
	    "nt", 0, "rf", "vm", "ac", "vif", "vip", "id" } },
	{ "cr0", offsetof(struct boot_cpu, cr0),
	  { "pe", "mp", "em", "ts", "et", "ne", [16] = "wp", [18] = "am", [29] = "nw", [30] = "cd",
	    [31] = "pg" } },
	{ "cr4", offsetof(struct boot_cpu, cr4),
	  { "vme", "pvi", "tsd", "de", "pse", "pae", "mce", "pge", "pce", "osfxsr", "osxmmexcpt",
	    "umip", "la57", "vmxe", "smxe", 0, "fsgsbase", "pcide", "osxsave", 0, "smep", "smap",
	    "pke", "cet" } },
	{ "efer", offsetof(struct boot_cpu, efer),
	  { "sce", [8] = "lme", [10] = "lma", [11] = "nxe", [12] = "svme" } },
};
#define NFLAG_REGS (sizeof(flag_regs) / sizeof(flag_regs[0]))

static const struct flag_reg *flag_reg_of(const char *key)
{
	for (unsigned i = 0; i < NFLAG_REGS; i++)
		if (!strcmp(flag_regs[i].name, key))
			return &flag_regs[i];
	return NULL;
}

static uint64_t *reg_in(struct entry_state *st, const struct flag_reg *r)
{
	return (uint64_t *)((uint8_t *)&st->cpu + r->off);
}

static uint64_t reg_of(const struct entry_state *st, const struct flag_reg *r)
{
	uint64_t v;

	memcpy(&v, (const uint8_t *)&st->cpu + r->off, sizeof(v));
	return v;
}

struct dump {
	char *text; /* state_print()'s output, cut into lines in place */
	unsigned n;
	const char *key[DUMP_MAX_KEYS], *val[DUMP_MAX_KEYS];
};

/* Print `st` and split each "KEY VALUE  # comment" line into key and value. */
static int dump_of(const struct entry_state *st, struct dump *d)
{
	size_t len = 0;
	char *save = NULL, *line;

	d->n = 0;
	d->text = state_text(st, &len);
	if (!d->text)
		return errf(-ENOMEM, "out of memory");
	for (line = strtok_r(d->text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *hash = strchr(line, '#'), *sp, *v;

		if (hash)
			*hash = '\0';
		sp = strchr(line, ' ');
		if (!sp || sp == line || d->n == DUMP_MAX_KEYS)
			continue;
		*sp = '\0';
		d->key[d->n] = line;
		v = strtok_r(sp + 1, " \t", &hash);
		d->val[d->n++] = v ? v : "";
	}
	return 0;
}

static const char *value_of(const struct dump *d, const char *key)
{
	for (unsigned i = 0; i < d->n; i++)
		if (!strcmp(d->key[i], key))
			return d->val[i];
	return NULL;
}

static int add_change(struct field_list *out, const char *key, const char *from, const char *to)
{
	struct field_change *c;

	if (out->n == FIELDS_MAX)
		return errf(-E2BIG, "fields: more than %d changed fields", FIELDS_MAX);
	c = &out->c[out->n++];
	c->reg = NULL; /* a whole key, whatever this slot held in a list used before */
	c->mask = 0;
	snprintf(c->key, sizeof(c->key), "%s", key);
	snprintf(c->from, sizeof(c->from), "%s", from ? from : "-");
	snprintf(c->to, sizeof(c->to), "%s", to);
	return 0;
}

/* One change per bit in which the flag register differs. */
static int add_bits(struct field_list *out, const struct flag_reg *fr, uint64_t from, uint64_t to)
{
	for (unsigned b = 0; b < 64; b++) {
		uint64_t m = 1ULL << b;
		char key[40];
		int r;

		if (!((from ^ to) & m))
			continue;
		if (b < 32 && fr->bits[b])
			snprintf(key, sizeof(key), "%s.%s", fr->name, fr->bits[b]);
		else
			snprintf(key, sizeof(key), "%s.bit%u", fr->name, b);
		r = add_change(out, key, from & m ? "1" : "0", to & m ? "1" : "0");
		if (r < 0)
			return r;
		out->c[out->n - 1].reg = fr->name;
		out->c[out->n - 1].mask = m;
	}
	return 0;
}

int fields_diff(const struct entry_state *valid, const struct entry_state *st,
		struct field_list *out)
{
	struct dump a = { 0 }, b = { 0 };
	int r = dump_of(valid, &a);

	out->n = 0;
	if (r == 0)
		r = dump_of(st, &b);
	for (unsigned i = 0; r == 0 && i < b.n; i++) {
		const char *from = value_of(&a, b.key[i]);
		const struct flag_reg *fr = flag_reg_of(b.key[i]);

		if (from && !strcmp(from, b.val[i]))
			continue;
		if (fr)
			r = add_bits(out, fr, reg_of(valid, fr), reg_of(st, fr));
		else
			r = add_change(out, b.key[i], from, b.val[i]);
	}
	free(a.text);
	free(b.text);
	return r;
}

int fields_apply(const struct entry_state *base, const struct field_list *l, const bool *keep,
		 struct entry_state *out)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int r;

	if (!f)
		return errf(-ENOMEM, "out of memory");
	for (unsigned i = 0; i < l->n; i++)
		if ((!keep || keep[i]) && !l->c[i].reg)
			fprintf(f, "%s %s\n", l->c[i].key, l->c[i].to);
	if (fclose(f) != 0 || !text)
		return errf(-ENOMEM, "out of memory");
	*out = *base;
	r = state_parse(text, len, out);
	free(text);
	for (unsigned i = 0; r == 0 && i < l->n; i++) {
		uint64_t *v = l->c[i].reg ? reg_in(out, flag_reg_of(l->c[i].reg)) : NULL;

		if (v && (!keep || keep[i]))
			*v = (*v & ~l->c[i].mask) | (l->c[i].to[0] == '1' ? l->c[i].mask : 0);
	}
	return r;
}

void fields_print(FILE *f, const struct field_list *l, const bool *keep)
{
	unsigned n = 0;

	for (unsigned i = 0; i < l->n; i++)
		n += !keep || keep[i];
	fprintf(f, "%u field%s:", n, n == 1 ? "" : "s");
	for (unsigned i = 0, k = 0; i < l->n; i++)
		if (!keep || keep[i])
			fprintf(f, "%s %s %s->%s", k++ ? "," : "", l->c[i].key, l->c[i].from,
				l->c[i].to);
}
