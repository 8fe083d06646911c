/* symbols_kallsyms.c: the kernel's own symbol table (kallsyms) found in a vmlinux image's bytes, for a kernel without .symtab or System.map (hostile input). */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "mmu/err.h"
#include "vmm/profile/symbols_parse.h"

/*
 * What scripts/kallsyms.c (Linux) writes into .rodata, each table starting at
 * a pointer-aligned address (`.balign 8`, or 4 on a 32-bit kernel), in one of
 * two orders: up to 6.3 offsets, relative_base, num_syms, names, markers,
 * [seqs_of_names,] token_table, token_index (seqs_of_names since 6.2, and in
 * 6.1 stable kernels that took it, e.g. Debian's 6.1.0-57); from 6.4 num_syms,
 * names, markers, token_table, token_index, offsets, relative_base,
 * seqs_of_names (commit "scripts/kallsyms: change the output order"). Tables:
 *   num_syms      a u32: N
 *   names         N entries: a length (one byte; if its top bit is set, the
 *                 low 7 bits plus a second byte << 7), then that many token
 *                 numbers; expanded, an entry is the type letter and the name
 *   markers       u32 per 256 entries: the offset in names of entry 256 * k
 *   seqs_of_names N 3-byte entry numbers, by name (not read)
 *   token_table   256 NUL-terminated strings
 *   token_index   256 u16: the offset of each string in token_table
 *   offsets       N s32; relative_base a pointer. With --absolute-percpu (x86-64
 *                 SMP up to 6.14) an offset >= 0 is the address itself and a
 *                 negative one means relative_base - 1 - offset; else the
 *                 address is relative_base + (u32)offset (kernel/kallsyms.c,
 *                 kallsyms_sym_address()).
 */
#define KS_TOKENS 256
#define KS_MARKER_EVERY 256
#define KS_TOKEN_MAX 64		/* longer than any token the kernel's compressor makes */
#define KS_MAX_SYMS (1u << 22)	/* 4 M: Debian's 6.1 kernel has 170 k */
#define KS_ENTRY_MAX (2 + SYMBOLS_NAME_MAX) /* a length's 2 bytes and its tokens */
/* A kernel has one token table; each look-alike costs a search of the tables before it (about
 * 4 ms), so a file with more than this many is not searched further (a crafted one of 20 MB
 * took 85 s without the bound). */
#define KS_MAX_TRIES 16

struct ks {
	const uint8_t *b;
	size_t len;
	size_t word;			 /* pointer size and table alignment: 8 or 4 */
	size_t tokens, index;		 /* token_table, token_index */
	uint16_t tok[KS_TOKENS];	 /* token_index's values */
	size_t markers;			 /* markers */
	size_t names, names_end;	 /* names; end of the last entry */
	uint32_t n;			 /* num_syms */
	size_t offsets;			 /* offsets */
	uint64_t base;			 /* relative_base */
	bool percpu;			 /* offsets in --absolute-percpu's coding */
};

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rdword(const struct ks *k, size_t off)
{
	uint64_t lo = rd32(k->b + off);

	return k->word == 8 ? lo | (uint64_t)rd32(k->b + off + 4) << 32 : lo;
}

static size_t align_up(const struct ks *k, size_t x)
{
	return (x + k->word - 1) & ~(k->word - 1);
}

/* token_table's 256 strings from `start`, each ending where token_index says the next one
 * starts, none empty, the last ending (aligned) where token_index starts. */
static bool tokens_at(struct ks *k, size_t start)
{
	size_t last = start + k->tok[KS_TOKENS - 1], nul;
	const uint8_t *z;

	for (unsigned i = 0; i + 1 < KS_TOKENS; i++) {
		nul = start + k->tok[i + 1] - 1;
		if (k->b[nul] != 0 || memchr(k->b + start + k->tok[i], 0, k->tok[i + 1] - k->tok[i] - 1))
			return false;
	}
	z = memchr(k->b + last, 0, k->index - last);
	return z && z != k->b + last && align_up(k, (size_t)(z - k->b) + 1) == k->index;
}

/* token_index at `at` (256 increasing u16 from 0, each string 1..KS_TOKEN_MAX bytes with its
 * NUL) with its token_table just before it. */
static bool token_index_at(struct ks *k, size_t at)
{
	size_t span, lo;

	if (at + 2 * KS_TOKENS > k->len || k->b[at] || k->b[at + 1])
		return false;
	for (unsigned i = 1; i < KS_TOKENS; i++) {
		k->tok[i] = (uint16_t)(k->b[at + 2 * i] | k->b[at + 2 * i + 1] << 8);
		if (k->tok[i] < k->tok[i - 1] + 2 || k->tok[i] > k->tok[i - 1] + KS_TOKEN_MAX + 1)
			return false;
	}
	k->tok[0] = 0;
	k->index = at;
	/* The last string's length is not in the index: try each aligned start that leaves it
	 * 1..KS_TOKEN_MAX bytes. */
	span = (size_t)k->tok[KS_TOKENS - 1] + 2;
	if (at < span)
		return false;
	lo = at >= span + KS_TOKEN_MAX + k->word ? at - span - KS_TOKEN_MAX - k->word : 0;
	for (size_t t = (at - span) & ~(k->word - 1); t >= lo; t -= k->word) {
		if (tokens_at(k, t)) {
			k->tokens = t;
			return true;
		}
		if (t < k->word)
			break;
	}
	return false;
}

/* The length of names entry at `off` (into *hdr its header's bytes); false past `end`. */
static bool entry_len(const struct ks *k, size_t off, size_t end, size_t *hdr, size_t *len)
{
	if (off >= end)
		return false;
	*hdr = 1;
	*len = k->b[off];
	if (*len & 0x80) {
		if (off + 1 >= end)
			return false;
		*len = (*len & 0x7f) | (size_t)k->b[off + 1] << 7;
		*hdr = 2;
	}
	return *len > 0 && *len <= SYMBOLS_NAME_MAX && *hdr + *len <= end - off;
}

/* names from `start`, N entries whose every 256th starts where markers says, ending where the
 * markers table starts (aligned). */
static bool names_at(struct ks *k, size_t start, uint32_t n)
{
	size_t off = start, hdr, len;

	for (uint32_t i = 0; i < n; i++) {
		if (i % KS_MARKER_EVERY == 0 &&
		    off - start != rd32(k->b + k->markers + 4 * (i / KS_MARKER_EVERY)))
			return false;
		if (!entry_len(k, off, k->markers, &hdr, &len))
			return false;
		off += hdr + len;
	}
	if (align_up(k, off) != k->markers)
		return false;
	k->names = start;
	k->names_end = off;
	k->n = n;
	return true;
}

/* markers: `m` u32 from 0, increasing, ending (aligned) at `end`; then num_syms and names
 * before them. */
static bool markers_and_names(struct ks *k, size_t m, size_t end)
{
	size_t s = (end - 4 * m) & ~(k->word - 1), last, far;

	if (4 * m > end || align_up(k, s + 4 * m) != end || rd32(k->b + s) != 0)
		return false;
	for (size_t i = 1; i < m; i++) {
		uint32_t d = rd32(k->b + s + 4 * i) - rd32(k->b + s + 4 * (i - 1));

		if (rd32(k->b + s + 4 * i) <= rd32(k->b + s + 4 * (i - 1)) ||
		    d < 2 * KS_MARKER_EVERY || d > KS_ENTRY_MAX * KS_MARKER_EVERY)
			return false;
	}
	k->markers = s;
	last = rd32(k->b + s + 4 * (m - 1));
	if (last + 2 > s)
		return false;
	/* num_syms sits one aligned u32 before names: try each place the last block's up to 256
	 * entries allow. */
	far = (size_t)KS_ENTRY_MAX * KS_MARKER_EVERY + 2 * k->word;
	for (size_t names = (s - last - 2) & ~(k->word - 1);; names -= k->word) {
		size_t p = names - align_up(k, 4);
		uint32_t n;

		if (names < align_up(k, 4) || s - last - names > far)
			return false;
		n = rd32(k->b + p);
		if (n > 0 && n <= KS_MAX_SYMS && (n + KS_MARKER_EVERY - 1) / KS_MARKER_EVERY == m &&
		    names_at(k, names, n))
			return true;
	}
}

/* The tables before token_table, found from it backwards: markers end where token_table
 * starts, or (6.2, 6.3, and 6.1 stable kernels that took the change) where seqs_of_names
 * starts, N 3-byte entries before token_table. */
static bool find_names(struct ks *k)
{
	for (size_t m = 1; m <= KS_MAX_SYMS / KS_MARKER_EVERY; m++) {
		size_t lo = align_up(k, 3 * ((m - 1) * KS_MARKER_EVERY + 1));
		size_t hi = align_up(k, 3 * m * KS_MARKER_EVERY);

		if (markers_and_names(k, m, k->tokens))
			return true;
		for (size_t gap = lo; gap <= hi && gap < k->tokens; gap += k->word)
			if (markers_and_names(k, m, k->tokens - gap) &&
			    align_up(k, 3 * (size_t)k->n) == gap)
				return true;
	}
	return false;
}

/* An address a kernel's lowest symbol can have: page-aligned, in the upper half. */
static bool kernel_base(const struct ks *k, uint64_t base)
{
	uint64_t upper = k->word == 8 ? 0xffff800000000000ull : 0x80000000ull;

	return base >= upper && base % 4096 == 0;
}

/* Entry at `off` expanded into name[] (type letter first); its length, or 0 if too long. */
static size_t expand(const struct ks *k, size_t off, char *name)
{
	size_t hdr, len, out = 0;

	if (!entry_len(k, off, k->names_end, &hdr, &len))
		return 0;
	for (size_t i = 0; i < len; i++) {
		const uint8_t *t = k->b + k->tokens + k->tok[k->b[off + hdr + i]];
		size_t tl = strlen((const char *)t);

		if (out + tl > SYMBOLS_NAME_MAX + 1)
			return 0;
		memcpy(name + out, t, tl);
		out += tl;
	}
	return out;
}

/* The address of entry i by its offset. */
static uint64_t sym_address(const struct ks *k, uint32_t i)
{
	int32_t off = (int32_t)rd32(k->b + k->offsets + 4 * (size_t)i);

	if (!k->percpu)
		return k->base + (uint32_t)off;
	return off >= 0 ? (uint64_t)off : k->base - 1 - (uint64_t)(int64_t)off;
}

/* Absolute-percpu coding is in use where the first text symbol's offset is negative: a relative
 * address is stored as relative_base - 1 - address. */
static bool uses_percpu(const struct ks *k)
{
	char name[SYMBOLS_NAME_MAX + 2];
	size_t off = k->names, hdr, len;

	for (uint32_t i = 0; i < k->n && entry_len(k, off, k->names_end, &hdr, &len); i++) {
		if (symtab_is_text(expand(k, off, name) ? name[0] : 0))
			return (int32_t)rd32(k->b + k->offsets + 4 * (size_t)i) < 0;
		off += hdr + len;
	}
	return false;
}

/* The offsets at `off` and relative_base at `rel` give every entry an address, in the table's
 * order (scripts/kallsyms sorts by address). */
static bool offsets_at(struct ks *k, size_t off, size_t rel)
{
	uint64_t prev = 0;

	if (rel > k->len || k->len - rel < k->word || !kernel_base(k, rdword(k, rel)))
		return false;
	k->offsets = off;
	k->base = rdword(k, rel);
	k->percpu = k->word == 8 && uses_percpu(k);
	for (uint32_t i = 0; i < k->n; i++) {
		uint64_t a = sym_address(k, i);

		if (a < prev)
			return false;
		prev = a;
	}
	return true;
}

/* offsets and relative_base: before num_syms (up to 6.3) or after token_index (6.4 on). */
static bool find_offsets(struct ks *k)
{
	size_t bytes = 4 * (size_t)k->n, rel = k->names - align_up(k, 4) - k->word, off;

	if (k->names >= align_up(k, 4) + k->word && bytes <= rel) {
		off = (rel - bytes) & ~(k->word - 1);
		if (align_up(k, off + bytes) == rel && offsets_at(k, off, rel))
			return true;
	}
	off = align_up(k, k->index + 2 * KS_TOKENS);
	return off <= k->len && k->len - off >= bytes && offsets_at(k, off, align_up(k, off + bytes));
}

static int add_all(struct symtab *st, const struct ks *k)
{
	char name[SYMBOLS_NAME_MAX + 2];
	size_t off = k->names, hdr, len, nlen;
	int r = 0;

	for (uint32_t i = 0; r == 0 && i < k->n; i++) {
		if (!entry_len(k, off, k->names_end, &hdr, &len))
			return errf(-EINVAL, "symbols: kallsyms: entry %u is malformed", i);
		nlen = expand(k, off, name);
		if (nlen >= 2) /* a type letter and a name */
			r = symtab_add(st, sym_address(k, i), 0, name[0], name + 1, nlen - 1);
		off += hdr + len;
	}
	return r;
}

int symtab_load_kallsyms(struct symtab *st, const uint8_t *buf, size_t len, unsigned word)
{
	struct ks k = { .b = buf, .len = len, .word = word };

	if (word != 8 && word != 4)
		return errf(-EINVAL, "symbols: kallsyms: pointer size %u is not 4 or 8", word);
	for (size_t at = 0, tried = 0; at + 2 * KS_TOKENS <= len && tried < KS_MAX_TRIES; at += word) {
		if (!token_index_at(&k, at))
			continue;
		if (tried++, !find_names(&k))
			continue;
		if (!find_offsets(&k))
			return errf(-EINVAL, "symbols: kallsyms: %u names found at %#zx, but no offsets and relative_base beside them",
				    k.n, k.names);
		return add_all(st, &k);
	}
	return errf(-ENOENT, "symbols: no kallsyms tables in these %zu bytes (a kernel built without CONFIG_KALLSYMS?)",
		    len);
}
