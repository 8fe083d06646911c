/* state.c: table-driven printer and parser of the entry-state format, so that both always agree. */
#include "vmm/state.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/err.h"

#define STATE_MAX_LINE 256

struct field {
	const char *name;
	size_t off;    /* offset in struct entry_state */
	unsigned size; /* 1, 2, 4 or 8 bytes */
	uint64_t max;
};

#define REG(n) { #n, offsetof(struct entry_state, cpu.n), 8, UINT64_MAX }
#define SEGF(sg, fl, sz, mx) { #sg "." #fl, offsetof(struct entry_state, cpu.sg.fl), sz, mx }
#define SEG(sg)                                                                  \
	SEGF(sg, selector, 2, 0xffff), SEGF(sg, base, 8, UINT64_MAX),            \
	SEGF(sg, limit, 4, 0xffffffff), SEGF(sg, type, 1, 15), SEGF(sg, s, 1, 1), \
	SEGF(sg, dpl, 1, 3), SEGF(sg, present, 1, 1), SEGF(sg, db, 1, 1),         \
	SEGF(sg, l, 1, 1), SEGF(sg, g, 1, 1), SEGF(sg, avl, 1, 1),                \
	SEGF(sg, unusable, 1, 1)
#define DT(t) { #t ".base", offsetof(struct entry_state, cpu.t.base), 8, UINT64_MAX }, \
	      { #t ".limit", offsetof(struct entry_state, cpu.t.limit), 2, 0xffff }

/* The order of the dump. gdt.N and the paging.* / boot keys are handled apart. */
static const struct field fields[] = {
	REG(rip), REG(rflags), REG(rsp), REG(rax), REG(rbx), REG(rcx), REG(rdx),
	REG(rsi), REG(rdi), REG(rbp), REG(r8), REG(r9), REG(r10), REG(r11),
	REG(r12), REG(r13), REG(r14), REG(r15),
	REG(cr0), REG(cr3), REG(cr4), REG(efer),
	SEG(cs), SEG(ds), SEG(es), SEG(fs), SEG(gs), SEG(ss), SEG(tr), SEG(ldt),
	DT(gdt), DT(idt),
	{ "paging.tables", offsetof(struct entry_state, paging.base), 8, UINT64_MAX },
	{ "paging.map_end", offsetof(struct entry_state, paging.map_end), 8, UINT64_MAX },
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static uint64_t get_field(const struct entry_state *st, const struct field *f)
{
	const uint8_t *p = (const uint8_t *)st + f->off;
	uint8_t v8;
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	switch (f->size) {
	case 1: memcpy(&v8, p, 1); return v8;
	case 2: memcpy(&v16, p, 2); return v16;
	case 4: memcpy(&v32, p, 4); return v32;
	default: memcpy(&v64, p, 8); return v64;
	}
}

static void set_field(struct entry_state *st, const struct field *f, uint64_t v)
{
	uint8_t *p = (uint8_t *)st + f->off;
	uint8_t v8 = (uint8_t)v;
	uint16_t v16 = (uint16_t)v;
	uint32_t v32 = (uint32_t)v;

	switch (f->size) {
	case 1: memcpy(p, &v8, 1); break;
	case 2: memcpy(p, &v16, 2); break;
	case 4: memcpy(p, &v32, 4); break;
	default: memcpy(p, &v, 8); break;
	}
}

static const char *descriptor_kind(const struct segment *s)
{
	if (!s->present)
		return "not-present";
	if (!s->s)
		return s->type == 0xb || s->type == 0x9 ? "tss" : "system";
	if (s->type & 8)
		return s->l ? "code64" : (s->db ? "code32" : "code16");
	return s->db ? "data32" : "data16";
}

static void print_gdt(FILE *f, const struct entry_state *st)
{
	for (unsigned i = 0; i < st->gdt_n; i++) {
		struct segment s = gdt_segment(st->gdt[i], (uint16_t)(i * 8));

		fprintf(f, "gdt.%u 0x%" PRIx64, i, st->gdt[i]);
		if (st->gdt[i])
			fprintf(f, "  # %s base=0x%" PRIx64 " limit=0x%x type=0x%x dpl=%u",
				descriptor_kind(&s), s.base, s.limit, s.type, s.dpl);
		fputc('\n', f);
	}
}

/* paging.mode and paging.page_size go first: page_size is checked against the mode. */
static void print_paging(FILE *f, const struct entry_state *st)
{
	const struct pt_spec *p = &st->paging;

	fprintf(f, "paging.mode %s\n", paging_mode_name(p->mode));
	fprintf(f, "paging.page_size 0x%" PRIx64 "\n", pt_page_size(p));
}

static void print_mapping(FILE *f, const struct entry_state *st)
{
	const struct pt_spec *p = &st->paging;

	if (p->mode != PAGING_OFF)
		fprintf(f, "# mapped 1:1 read/write/execute: [0x0, 0x%" PRIx64 ") in 0x%" PRIx64 "-byte pages, tables at 0x%" PRIx64 "\n",
			p->map_end, pt_page_size(p), p->base);
}

char *state_text(const struct entry_state *st, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	if (!f)
		return NULL;
	state_print(f, st);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

void state_print(FILE *f, const struct entry_state *st)
{
	fprintf(f, "# vmm entry state v1\n");
	fprintf(f, "boot %s\n", boot_proto_name(st->proto));
	for (size_t i = 0; i < NFIELDS; i++) {
		if (!strcmp(fields[i].name, "paging.tables"))
			print_paging(f, st);
		fprintf(f, "%s 0x%" PRIx64 "\n", fields[i].name, get_field(st, &fields[i]));
		if (!strcmp(fields[i].name, "gdt.limit"))
			print_gdt(f, st);
	}
	print_mapping(f, st);
	for (unsigned i = 0; i < st->npokes && i < ENTRY_POKES_MAX; i++)
		fprintf(f, "poke.0x%" PRIx64 " 0x%" PRIx64 "\n", st->pokes[i].gpa, st->pokes[i].value);
}

static int parse_number(unsigned line, const char *key, const char *val,
			uint64_t max, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(val, &end, 0);
	/* strtoull() skips leading white space (\v and \f too) and takes a sign: a number must
	 * start with a digit, or "\v-1" would read as 2^64 - 1 where "-1" is refused. */
	if (errno || end == val || *end || !isdigit((unsigned char)val[0]))
		return errf(-EINVAL, "entry-state: line %u: %s: bad number '%s'",
			    line, key, val);
	if (*out > max)
		return errf(-EINVAL,
			    "entry-state: line %u: %s: 0x%" PRIx64 " is out of range (max 0x%" PRIx64 ")",
			    line, key, *out, max);
	return 0;
}

static int parse_gdt_entry(unsigned line, const char *key, const char *val,
			   struct entry_state *st)
{
	uint64_t index, v;
	int r = parse_number(line, key, key + 4, ENTRY_GDT_MAX - 1, &index);

	if (r == 0)
		r = parse_number(line, key, val, UINT64_MAX, &v);
	if (r < 0)
		return r;
	st->gdt[index] = v;
	if (index >= st->gdt_n)
		st->gdt_n = (unsigned)index + 1;
	return 0;
}

/* poke.GPA VALUE: a later poke of the same GPA replaces the earlier one. */
static int parse_poke(unsigned line, const char *key, const char *val, struct entry_state *st)
{
	uint64_t gpa, v;
	unsigned i;
	int r = parse_number(line, key, key + 5, UINT64_MAX, &gpa);

	if (r == 0)
		r = parse_number(line, key, val, UINT64_MAX, &v);
	if (r < 0)
		return r;
	for (i = 0; i < st->npokes && st->pokes[i].gpa != gpa; i++)
		;
	if (i == ENTRY_POKES_MAX)
		return errf(-EINVAL, "entry-state: line %u: %s: more than %d pokes", line, key,
			    ENTRY_POKES_MAX);
	st->pokes[i] = (struct entry_poke){ .gpa = gpa, .value = v };
	if (i == st->npokes)
		st->npokes++;
	return 0;
}

static int parse_mode(unsigned line, const char *val, struct entry_state *st)
{
	for (enum paging_mode m = PAGING_OFF; m <= PAGING_LONG; m++) {
		if (!strcmp(val, paging_mode_name(m))) {
			st->paging.mode = m;
			return 0;
		}
	}
	return errf(-EINVAL, "entry-state: line %u: paging.mode: '%s' is not off, nonpae, pae or long",
		    line, val);
}

/* Checked against the paging.mode in effect (the dump prints mode first):
 * 4 MiB selects nonpae's large pages; PAE and long use 2 MiB. */
static int parse_page_size(unsigned line, const char *val, struct entry_state *st)
{
	uint64_t v;
	int r = parse_number(line, "paging.page_size", val, UINT64_MAX, &v);

	if (r < 0)
		return r;
	st->paging.large = v == (4ULL << 20);
	if (v != pt_page_size(&st->paging))
		return errf(-EINVAL,
			    "entry-state: line %u: paging.page_size: 0x%" PRIx64 " is not possible for %s paging",
			    line, v, paging_mode_name(st->paging.mode));
	return 0;
}

static int parse_boot(unsigned line, const char *val, struct entry_state *st)
{
	if (boot_proto_parse(val, &st->proto) == 0)
		return 0;
	return errf(-EINVAL, "entry-state: line %u: boot: '%s' is not linux32, linux64, elf, pvh or elf32",
		    line, val);
}

static int apply(unsigned line, const char *key, const char *val,
		 struct entry_state *st)
{
	uint64_t v;
	int r;

	if (!strncmp(key, "gdt.", 4) && key[4] >= '0' && key[4] <= '9')
		return parse_gdt_entry(line, key, val, st);
	if (!strncmp(key, "poke.", 5))
		return parse_poke(line, key, val, st);
	if (!strcmp(key, "paging.mode"))
		return parse_mode(line, val, st);
	if (!strcmp(key, "paging.page_size"))
		return parse_page_size(line, val, st);
	if (!strcmp(key, "boot"))
		return parse_boot(line, val, st);
	for (size_t i = 0; i < NFIELDS; i++) {
		if (strcmp(key, fields[i].name))
			continue;
		r = parse_number(line, key, val, fields[i].max, &v);
		if (r == 0)
			set_field(st, &fields[i], v);
		return r;
	}
	return errf(-EINVAL, "entry-state: line %u: unknown field '%s'", line, key);
}

/* Split one line (NUL-terminated, comment stripped) into key and value. */
static int parse_line(unsigned line, char *s, struct entry_state *st)
{
	char *key, *val, *extra, *save;

	key = strtok_r(s, " \t\r", &save);
	if (!key)
		return 0;
	val = strtok_r(NULL, " \t\r", &save);
	extra = strtok_r(NULL, " \t\r", &save);
	if (!val || extra)
		return errf(-EINVAL, "entry-state: line %u: expected 'KEY VALUE' for '%s'",
			    line, key);
	return apply(line, key, val, st);
}

int state_parse(const char *text, size_t len, struct entry_state *st)
{
	char buf[STATE_MAX_LINE];
	unsigned line = 0;
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		char *hash;
		int r;

		line++;
		if (n >= sizeof(buf))
			return errf(-EINVAL, "entry-state: line %u is longer than %d bytes",
				    line, STATE_MAX_LINE - 1);
		memcpy(buf, text + pos, n);
		buf[n] = '\0';
		pos += n + 1;
		if (memchr(buf, '\0', n))
			return errf(-EINVAL, "entry-state: line %u contains a NUL byte", line);
		hash = strchr(buf, '#');
		if (hash)
			*hash = '\0';
		r = parse_line(line, buf, st);
		if (r < 0)
			return r;
	}
	return 0;
}
