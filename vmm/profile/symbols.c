/* symbols.c: symbol tables from System.map text, an ELF64 .symtab or a kernel's own kallsyms (hostile input), sorted for lookups. */
#define _GNU_SOURCE /* qsort_r(), memmem() */
#include "vmm/profile/symbols.h"

#include <elf.h> /* ELFMAG */
#include <stddef.h> /* offsetof() */
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader/bzimage.h"
#include "loader/payload.h"
#include "mmu/err.h"
#include "vmm/file.h"
#include "vmm/profile/symbols_parse.h"

bool symtab_is_text(char type)
{
	return type == 't' || type == 'T' || type == 'w' || type == 'W';
}

static const char *sym_name(const struct symtab *st, size_t i)
{
	return st->names + st->sym[i].name;
}

static int symtab_grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap ? *cap : 64;
	void *q;

	while (n < need) {
		if (__builtin_mul_overflow(n, 2, &n))
			return errf(-ENOMEM, "symbols: table too large");
	}
	if (n == *cap)
		return 0;
	if (__builtin_mul_overflow(n, elem, &(size_t){ 0 }) ||
	    !(q = realloc(*p, n * elem)))
		return errf(-ENOMEM, "symbols: out of memory for %zu entries", n);
	*p = q;
	*cap = n;
	return 0;
}

int symtab_add(struct symtab *st, uint64_t addr, uint64_t size,
		      char type, const char *name, size_t nlen)
{
	void *names = st->names, *sym = st->sym;
	int r = symtab_grow(&names, &st->names_cap, st->names_len + nlen + 1, 1);

	st->names = names;
	if (r == 0)
		r = symtab_grow(&sym, &st->cap, st->n + 1, sizeof(struct sym));
	st->sym = sym;
	if (r < 0)
		return r;
	st->sym[st->n++] = (struct sym){ .addr = addr, .size = size,
					 .name = st->names_len, .type = type };
	memcpy(st->names + st->names_len, name, nlen);
	st->names[st->names_len + nlen] = '\0';
	st->names_len += nlen + 1;
	return 0;
}

/* Which of two names at one address a reader wants: text, global, fewer
 * leading underscores (startup_64 over _text), then by name. */
static int sym_rank(const struct sym *s, const char *name)
{
	int r = (int)strspn(name, "_");

	if (!symtab_is_text(s->type))
		r += 1000;
	if (s->type >= 'a' && s->type <= 'z')
		r += 100;
	return r;
}

static int cmp_addr(const void *a, const void *b, void *ctx)
{
	const struct sym *x = a, *y = b;
	const char *names = ctx, *nx = names + x->name, *ny = names + y->name;
	int d;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	d = sym_rank(x, nx) - sym_rank(y, ny);
	return d ? d : strcmp(nx, ny);
}

static int cmp_name(const void *a, const void *b, void *ctx)
{
	const struct symtab *st = ctx;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int d = strcmp(sym_name(st, i), sym_name(st, j));

	if (d)
		return d;
	d = sym_rank(&st->sym[i], "") - sym_rank(&st->sym[j], "");
	return d ? d : (i > j) - (i < j);
}

/* Each text symbol runs up to the next text symbol at a higher address; the
 * last address keeps the size it came with (ELF st_size, or 0). */
static void symtab_sizes(struct symtab *st)
{
	bool have = false, have_next = false;
	uint64_t group = 0, next = 0;

	for (size_t j = st->ntext; j-- > 0;) {
		struct sym *s = &st->sym[st->text[j]];

		if (!have || s->addr != group) {
			next = group;
			have_next = have;
			group = s->addr;
			have = true;
		}
		if (have_next)
			s->size = next - s->addr;
	}
}

/* Sort, then build the text and name indices. */
static int symtab_finish(struct symtab *st)
{
	if (!st->n)
		return errf(-EINVAL, "symbols: no symbols found");
	qsort_r(st->sym, st->n, sizeof(*st->sym), cmp_addr, st->names);
	st->text = calloc(st->n, sizeof(size_t));
	st->by_name = calloc(st->n, sizeof(size_t));
	if (!st->text || !st->by_name)
		return errf(-ENOMEM, "symbols: out of memory for %zu indices", st->n);
	for (size_t i = 0; i < st->n; i++) {
		st->by_name[i] = i;
		if (symtab_is_text(st->sym[i].type))
			st->text[st->ntext++] = i;
	}
	qsort_r(st->by_name, st->n, sizeof(size_t), cmp_name, st);
	symtab_sizes(st);
	return 0;
}

/* ---- System.map text: "ADDR TYPE NAME" per line, optionally "[MODULE]". */

static bool map_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The next blank-separated field of line[0, n) from *pos; its length. */
static size_t map_field(const char *line, size_t n, size_t *pos, const char **f)
{
	size_t i = *pos, start;

	while (i < n && map_blank(line[i]))
		i++;
	for (start = i; i < n && !map_blank(line[i]); i++)
		;
	*f = line + start;
	*pos = i;
	return i - start;
}

#define MAP_SHOW(len) (int)((len) > 40 ? 40 : (len))

static unsigned map_hex(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (unsigned)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (unsigned)(c - 'A' + 10);
	return 16;
}

/* At most 16 digits, so the value cannot overflow. */
static int map_addr(const char *f, size_t len, size_t line, uint64_t *addr)
{
	uint64_t a = 0;
	size_t i;

	for (i = 0; i < len && len <= 16 && map_hex(f[i]) < 16; i++)
		a = a << 4 | map_hex(f[i]);
	if (len == 0 || len > 16 || i != len)
		return errf(-EINVAL, "symbols: System.map line %zu: address '%.*s' is not 1-16 hex digits",
			    line, MAP_SHOW(len), f);
	*addr = a;
	return 0;
}

static int map_name(const char *f, size_t len, size_t line)
{
	if (len > SYMBOLS_NAME_MAX)
		return errf(-EINVAL, "symbols: System.map line %zu: name of %zu bytes (at most %d)",
			    line, len, SYMBOLS_NAME_MAX);
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)f[i] <= ' ' || (unsigned char)f[i] >= 0x7f)
			return errf(-EINVAL, "symbols: System.map line %zu: name byte %zu is %#x, not printable ASCII",
				    line, i, (unsigned char)f[i]);
	}
	return 0;
}

#define PLACEHOLDER_MAP "The real System.map is in"

static int map_line(struct symtab *st, const char *p, size_t n, size_t line)
{
	const char *f[5];
	size_t len[5], pos = 0, nf = 0;
	uint64_t addr = 0;
	int r;

	while (nf < 5 && (len[nf] = map_field(p, n, &pos, &f[nf])) > 0)
		nf++;
	if (nf == 0)
		return 0; /* a blank line */
	if (nf == 2 && len[0] == 1 && strchr("Uwv", *f[0]))
		return 0; /* nm's undefined symbols have no address */
	/* Debian's linux-image ships one line, "ffffffffffffffff B The real System.map is in the
	 * linux-image-<version>-dbg package", in place of the map. */
	if (nf > 4 && memmem(p, n, PLACEHOLDER_MAP, strlen(PLACEHOLDER_MAP)))
		return errf(-EINVAL, "symbols: System.map line %zu is a placeholder (\"%s ...\"): give "
			    "the kernel image itself (--symbols vmlinuz: its kallsyms are read), the full "
			    "System.map (Debian's -dbg package) or the symbols scripts/guest-symbols "
			    "reads from the guest", line, PLACEHOLDER_MAP);
	if (nf < 3 || nf > 4)
		return errf(-EINVAL, "symbols: System.map line %zu: %zu%s fields, not 'ADDRESS TYPE NAME'",
			    line, nf, nf > 4 ? " or more" : "");
	r = map_addr(f[0], len[0], line, &addr);
	if (r < 0)
		return r;
	if (len[1] != 1 || !((*f[1] >= 'a' && *f[1] <= 'z') || (*f[1] >= 'A' && *f[1] <= 'Z')))
		return errf(-EINVAL, "symbols: System.map line %zu: type '%.*s' is not one letter",
			    line, MAP_SHOW(len[1]), f[1]);
	r = map_name(f[2], len[2], line);
	if (r == 0 && nf == 4 && (len[3] < 2 || f[3][0] != '[' || f[3][len[3] - 1] != ']'))
		r = errf(-EINVAL, "symbols: System.map line %zu: fourth field '%.*s' is not a [module]",
			 line, MAP_SHOW(len[3]), f[3]);
	if (r < 0 || *f[1] == 'U' || *f[1] == 'u')
		return r; /* undefined: no address */
	return symtab_add(st, addr, 0, *f[1], f[2], len[2]);
}

static int map_load(struct symtab *st, const uint8_t *buf, size_t len)
{
	const char *p = (const char *)buf, *end = p + len;
	size_t line = 1;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		int r = map_line(st, p, n, line++);

		if (r < 0)
			return r;
		p += n + (nl != NULL);
	}
	return 0;
}

/* ---- The public interface. */

/* An ELF file: its .symtab; else (stripped, or a 32-bit kernel) the kernel's kallsyms in it. */
static int elf_load(struct symtab *st, const uint8_t *buf, size_t len)
{
	bool is32 = len > EI_CLASS && buf[EI_CLASS] == ELFCLASS32;
	int r = is32 ? -ENOENT : symtab_load_elf(st, buf, len);

	if (r == -ENOENT)
		r = symtab_load_kallsyms(st, buf, len, is32 ? 4 : 8);
	if (r != -ENOENT)
		return r;
	return errf(-EINVAL, "symbols: elf: %s, and no kallsyms tables in its %zu bytes (a kernel without CONFIG_KALLSYMS?): give System.map",
		    is32 ? "EI_CLASS 1 (32-bit: only its kallsyms are read)" : "no SHT_SYMTAB section", len);
}

/* A bzImage (boot.rst: "HdrS" in its setup header's `header`): the kallsyms of its payload. */
static bool is_bzimage(const uint8_t *buf, size_t len)
{
	const size_t at = BZ_HDR_OFFSET + offsetof(struct setup_header, header);
	uint32_t magic;

	if (len < at + sizeof(magic))
		return false;
	memcpy(&magic, buf + at, sizeof(magic));
	return magic == BZ_HDRS_MAGIC;
}

static int bzimage_symbols(struct symtab *st, const uint8_t *buf, size_t len)
{
	struct bzimage bz;
	uint8_t *elf = NULL;
	size_t elf_len = 0;
	int r = bzimage_parse(buf, len, &bz);

	if (r == 0)
		r = payload_extract(&bz, PAYLOAD_EXTRACT_MAX, &elf, &elf_len);
	if (r == 0)
		r = elf_load(st, elf, elf_len);
	free(elf);
	return r;
}

int symtab_load(struct symtab *st, const uint8_t *buf, size_t len)
{
	int r;

	memset(st, 0, sizeof(*st));
	if (len >= SELFMAG && memcmp(buf, ELFMAG, SELFMAG) == 0)
		r = elf_load(st, buf, len);
	else if (is_bzimage(buf, len))
		r = bzimage_symbols(st, buf, len);
	else
		r = map_load(st, buf, len);
	if (r == 0)
		r = symtab_finish(st);
	if (r < 0)
		symtab_free(st);
	return r;
}

int symtab_lookup_name(const struct symtab *st, const char *name, uint64_t *addr)
{
	size_t lo = 0, hi = st->n;

	while (lo < hi) { /* the first by_name entry not below name */
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(sym_name(st, st->by_name[mid]), name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == st->n || strcmp(sym_name(st, st->by_name[lo]), name) != 0)
		return errf(-ENOENT, "symbols: no symbol '%s'", name);
	*addr = st->sym[st->by_name[lo]].addr;
	return 0;
}

const char *symtab_symbolize(const struct symtab *st, uint64_t addr, uint64_t *offset)
{
	size_t lo = 0, hi = st->ntext;
	const struct sym *s;

	while (lo < hi) { /* the first text symbol above addr */
		size_t mid = lo + (hi - lo) / 2;

		if (st->sym[st->text[mid]].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	while (lo > 1 && st->sym[st->text[lo - 2]].addr == st->sym[st->text[lo - 1]].addr)
		lo--; /* the preferred name at this address sorts first */
	s = &st->sym[st->text[lo - 1]];
	if (addr - s->addr >= s->size && addr != s->addr)
		return NULL;
	if (offset)
		*offset = addr - s->addr;
	return st->names + s->name;
}

void symtab_free(struct symtab *st)
{
	free(st->sym);
	free(st->text);
	free(st->by_name);
	free(st->names);
	memset(st, 0, sizeof(*st));
}

int symtab_load_file(struct symtab *st, const char *path)
{
	struct file_map f;
	char why[256];
	int r = file_map(path, "symbols", &f);

	if (r < 0)
		return r;
	r = symtab_load(st, f.data, f.len);
	file_unmap(&f);
	if (r == 0)
		return 0;
	snprintf(why, sizeof(why), "%s", err_msg());
	return errf(r, "--symbols %s: %s", path, why);
}
