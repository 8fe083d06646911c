/* test_symbols_kallsyms.c: kallsyms tables laid out as scripts/kallsyms writes them (both orders, 64- and 32-bit, both offset codings) are found and read; damaged ones are not. */
#include <criterion/criterion.h>
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/err.h"
#include "vmm/profile/symbols.h"
#include "vmm/profile/symbols_parse.h"
#include "tests/unit/fixtures.h"

#define NSYMS 600		/* three markers */
#define BASE64 0xffffffff81000000ull
#define BASE32 0xc1000000ull
#define TOK_START 0x01		/* token "start" */
#define TOK_KERNEL 0x02		/* token "_kernel" */
#define LONG_NAME_LEN 200	/* > 127 tokens: a two-byte length */
#define PAYLOAD_OFF 0x2cc	/* where the bzImage fixture's payload goes */

enum layout { OLD, OLD_SEQS, NEW };

struct img {
	uint8_t *b;
	size_t len, cap, word;
	size_t markers_at, first_name_at;
};

struct ksym {
	uint64_t addr;
	char type;
	char name[LONG_NAME_LEN + 1];
};

static struct symtab st;
static struct img im;
static struct ksym syms[NSYMS];

static void setup(void)
{
	err_clear();
	memset(&st, 0, sizeof(st));
	memset(&im, 0, sizeof(im));
}

static void teardown(void)
{
	symtab_free(&st);
	free(im.b);
}

TestSuite(symbols_kallsyms, .init = setup, .fini = teardown);

static void put(const void *p, size_t n)
{
	if (im.len + n > im.cap) {
		im.cap = (im.len + n) * 2;
		im.b = realloc(im.b, im.cap);
		cr_assert_not_null(im.b);
	}
	memcpy(im.b + im.len, p, n);
	im.len += n;
}

static void put32(uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	put(b, 4);
}

static void put_word(uint64_t v)
{
	put32((uint32_t)v);
	if (im.word == 8)
		put32((uint32_t)(v >> 32));
}

/* A table label: `.balign 8` (4 on a 32-bit kernel), zero-filled as the assembler does. */
static void label(void)
{
	while (im.len % im.word)
		put("", 1);
}

/* Text from the base, _text first, one symbol start_kernel (two multi-byte tokens) and one with
 * a 200-character name; with per-CPU symbols, two absolute ones (at 0 and 0x1000) before them
 * in place of the last two; sorted by address. */
static void make_syms(uint64_t base, bool with_percpu)
{
	for (int i = 0; i < NSYMS; i++) {
		syms[i].addr = base + 0x10 * (uint64_t)i;
		syms[i].type = i % 3 ? 't' : 'T';
		snprintf(syms[i].name, sizeof(syms[i].name), "fn_%d", i);
	}
	strcpy(syms[0].name, "_text");
	strcpy(syms[300].name, "start_kernel");
	memset(syms[400].name, 'q', LONG_NAME_LEN);
	syms[400].name[LONG_NAME_LEN] = '\0';
	if (with_percpu) { /* two symbols fewer in the text, which still starts at the base */
		memmove(&syms[2], &syms[0], sizeof(syms[0]) * (NSYMS - 2));
		syms[0] = (struct ksym){ .addr = 0, .type = 'A', .name = "fixed_percpu_data" };
		syms[1] = (struct ksym){ .addr = 0x1000, .type = 'A', .name = "cpu_debug_store" };
	}
}

static bool is_percpu(const struct ksym *s)
{
	return s->type == 'A';
}

static uint32_t offset_of(const struct ksym *s, uint64_t base, bool percpu)
{
	if (!percpu)
		return (uint32_t)(s->addr - base);
	return is_percpu(s) ? (uint32_t)s->addr : (uint32_t)(base - s->addr - 1);
}

/* One entry: its length, then the type letter and the name as token numbers ("start" and
 * "_kernel" as one each, every other character as itself). */
static void put_entry(const struct ksym *s)
{
	uint8_t tok[LONG_NAME_LEN + 2];
	size_t n = 0;

	tok[n++] = (uint8_t)s->type;
	for (const char *p = s->name; *p;) {
		if (!strncmp(p, "start", 5)) {
			tok[n++] = TOK_START;
			p += 5;
		} else if (!strncmp(p, "_kernel", 7)) {
			tok[n++] = TOK_KERNEL;
			p += 7;
		} else {
			tok[n++] = (uint8_t)*p++;
		}
	}
	if (n > 127) {
		uint8_t hdr[2] = { (uint8_t)(0x80 | (n & 0x7f)), (uint8_t)(n >> 7) };

		put(hdr, 2);
	} else {
		put(&(uint8_t){ (uint8_t)n }, 1);
	}
	put(tok, n);
}

static void put_offsets(uint64_t base, bool percpu)
{
	label();
	for (int i = 0; i < NSYMS; i++)
		put32(offset_of(&syms[i], base, percpu));
	label();
	put_word(base);
}

static void put_names_and_markers(void)
{
	uint32_t markers[(NSYMS + 255) / 256];
	size_t start;

	label();
	put32(NSYMS);
	label();
	start = im.len;
	im.first_name_at = start;
	for (int i = 0; i < NSYMS; i++) {
		if (i % 256 == 0)
			markers[i / 256] = (uint32_t)(im.len - start);
		put_entry(&syms[i]);
	}
	label();
	im.markers_at = im.len;
	for (size_t i = 0; i < sizeof(markers) / sizeof(markers[0]); i++)
		put32(markers[i]);
}

static void put_seqs(void)
{
	label();
	for (int i = 0; i < NSYMS; i++)
		put((uint8_t[3]){ 0, (uint8_t)(i >> 8), (uint8_t)i }, 3);
}

/* The 256 tokens: "start", "_kernel", each printable character as itself, "?" for the rest. */
static void put_tokens(void)
{
	uint16_t index[256];
	size_t start;

	label();
	start = im.len;
	for (int i = 0; i < 256; i++) {
		char t[8] = "?";

		if (i == TOK_START)
			strcpy(t, "start");
		else if (i == TOK_KERNEL)
			strcpy(t, "_kernel");
		else if (i > ' ' && i < 0x7f)
			t[0] = (char)i;
		index[i] = (uint16_t)(im.len - start);
		put(t, strlen(t) + 1);
	}
	label();
	for (int i = 0; i < 256; i++)
		put((uint8_t[2]){ (uint8_t)index[i], (uint8_t)(index[i] >> 8) }, 2);
}

/* The tables as scripts/kallsyms writes them in `layout`, with other .rodata around them. */
static void make_image(enum layout layout, size_t word, uint64_t base, bool percpu)
{
	static const char before[] = "other rodata\0\1\2\3 before the tables";

	im.word = word;
	make_syms(base, percpu);
	put(before, sizeof(before));
	if (layout != NEW)
		put_offsets(base, percpu);
	put_names_and_markers();
	if (layout == OLD_SEQS)
		put_seqs();
	put_tokens();
	if (layout == NEW) {
		put_offsets(base, percpu);
		put_seqs();
	}
	put("and after them", 15);
}

static uint64_t addr_of(const char *name)
{
	uint64_t a = 0;

	cr_assert_eq(symtab_lookup_name(&st, name, &a), 0, "%s: %s", name, err_msg());
	return a;
}

/* make_syms()'s text symbols, found by name and by address (fn_597: the last in both sets). */
static void expect_all(uint64_t base)
{
	char *long_name = calloc(1, LONG_NAME_LEN + 1);

	cr_assert_eq(st.n, NSYMS, "%zu symbols", st.n);
	cr_assert_eq(addr_of("start_kernel"), base + 0x10 * 300);
	cr_assert_eq(addr_of("fn_597"), base + 0x10 * 597);
	cr_assert_eq(addr_of("fn_256"), base + 0x10 * 256, "the second marker's block");
	memset(long_name, 'q', LONG_NAME_LEN);
	cr_assert_eq(addr_of(long_name), base + 0x10 * 400, "a two-byte length");
	cr_assert_str_eq(symtab_symbolize(&st, base + 0x10 * 300 + 4, NULL), "start_kernel");
	free(long_name);
}

#define ELF_PART 128 /* an ELF header and a null section header: the tables stay aligned */

/* The image in a stripped ELF file of its class (64-bit: no SHT_SYMTAB; 32-bit: only its
 * kallsyms are read), loaded by symtab_load(). */
static uint8_t *stripped_elf(const uint8_t *tables, size_t len, size_t word)
{
	uint8_t *file = calloc(1, ELF_PART + len);
	Elf64_Ehdr eh = { .e_shoff = sizeof(Elf64_Ehdr), .e_shentsize = sizeof(Elf64_Shdr),
			  .e_shnum = 1 };

	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = word == 8 ? ELFCLASS64 : ELFCLASS32;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	memcpy(file, &eh, word == 8 ? sizeof(eh) : EI_NIDENT);
	memcpy(file + ELF_PART, tables, len);
	return file;
}

static int load(void)
{
	uint8_t *file = stripped_elf(im.b, im.len, im.word);
	int r = symtab_load(&st, file, ELF_PART + im.len);

	free(file);
	return r;
}

Test(symbols_kallsyms, old_order_64bit_absolute_percpu)
{
	make_image(OLD, 8, BASE64, true);
	cr_assert_eq(load(), 0, "%s", err_msg());
	expect_all(BASE64);
	cr_assert_eq(addr_of("cpu_debug_store"), 0x1000, "a per-CPU offset is the address");
	cr_assert_eq(addr_of("_text"), BASE64);
}

Test(symbols_kallsyms, old_order_with_seqs_of_names)
{
	make_image(OLD_SEQS, 8, BASE64, true);
	cr_assert_eq(load(), 0, "%s", err_msg());
	expect_all(BASE64);
}

Test(symbols_kallsyms, new_order_64bit_absolute_percpu)
{
	make_image(NEW, 8, BASE64, true);
	cr_assert_eq(load(), 0, "%s", err_msg());
	expect_all(BASE64);
	cr_assert_eq(addr_of("fixed_percpu_data"), 0);
}

Test(symbols_kallsyms, new_order_64bit_relative_only)
{
	make_image(NEW, 8, BASE64, false);
	cr_assert_eq(load(), 0, "%s", err_msg());
	expect_all(BASE64);
}

Test(symbols_kallsyms, old_order_32bit)
{
	make_image(OLD, 4, BASE32, false);
	cr_assert_eq(load(), 0, "%s", err_msg());
	expect_all(BASE32);
}

Test(symbols_kallsyms, new_order_32bit_unaligned_buffer)
{
	uint8_t *file, *copy;

	make_image(NEW, 4, BASE32, false);
	file = stripped_elf(im.b, im.len, 4);
	copy = malloc(ELF_PART + im.len + 1);
	memcpy(copy + 1, file, ELF_PART + im.len);
	cr_assert_eq(symtab_load(&st, copy + 1, ELF_PART + im.len), 0, "%s", err_msg());
	expect_all(BASE32);
	free(copy);
	free(file);
}

static void expect_none(const char *why)
{
	int r = load();

	cr_assert_eq(r, -EINVAL, "%s: %d", why, r);
	cr_assert(strstr(err_msg(), "no SHT_SYMTAB section, and no kallsyms tables"), "%s: %s", why,
		  err_msg());
	cr_assert_eq(st.n, 0);
}

Test(symbols_kallsyms, damaged_tables_are_not_read)
{
	make_image(OLD, 8, BASE64, true);
	im.b[im.markers_at + 4] ^= 1; /* the second marker is off by one */
	expect_none("marker");
	symtab_free(&st);
	free(im.b);
	memset(&im, 0, sizeof(im));
	make_image(OLD, 8, BASE64, true);
	im.b[im.first_name_at] = 0; /* the first entry has no length */
	expect_none("length");
	free(im.b);
	memset(&im, 0, sizeof(im));
	make_image(NEW, 8, BASE64, true);
	im.len -= 15 + 3 * NSYMS + 8 + 4 * NSYMS + 8 + 100; /* cut inside token_index */
	expect_none("truncated");
}

Test(symbols_kallsyms, offsets_out_of_order_are_refused)
{
	make_image(NEW, 8, BASE64, false);
	/* fn_10's offset made larger than fn_11's: the table is sorted by address. */
	for (size_t i = 0; i + 4 <= im.len; i += 8) {
		uint32_t a, b;

		memcpy(&a, im.b + i, 4);
		memcpy(&b, im.b + i + 4, 4);
		if (a == 0x10 * 10 && b == 0x10 * 11) {
			a = 0x10 * 12;
			memcpy(im.b + i, &a, 4);
			break;
		}
	}
	cr_assert_eq(load(), -EINVAL);
	cr_assert(strstr(err_msg(), "no offsets and relative_base"), "%s", err_msg());
}

Test(symbols_kallsyms, pointer_size_must_be_4_or_8)
{
	make_image(OLD, 8, BASE64, true);
	cr_assert_eq(symtab_load_kallsyms(&st, im.b, im.len, 2), -EINVAL);
	cr_assert(strstr(err_msg(), "pointer size 2"), "%s", err_msg());
	cr_assert_eq(st.n, 0);
}

/* symtab_load_kallsyms() on the bare tables: the same symbols, in table order. */
Test(symbols_kallsyms, bare_tables_in_table_order)
{
	make_image(OLD_SEQS, 8, BASE64, true);
	cr_assert_eq(symtab_load_kallsyms(&st, im.b, im.len, 8), 0, "%s", err_msg());
	cr_assert_eq(st.n, NSYMS);
	for (size_t i = 0; i < NSYMS; i++) {
		cr_assert_eq(st.sym[i].addr, syms[i].addr, "entry %zu", i);
		cr_assert_eq(st.sym[i].type, syms[i].type, "entry %zu", i);
		cr_assert_str_eq(st.names + st.sym[i].name, syms[i].name, "entry %zu", i);
	}
}

/* symtab_load() of a bzImage reads the kallsyms of its payload (decompressed). */
Test(symbols_kallsyms, bzimage_payload)
{
	uint8_t *img = fixture_bzimage(), *file, *z;
	size_t zlen;

	make_image(NEW, 8, BASE64, true);
	file = stripped_elf(im.b, im.len, 8);
	z = fixture_compress("gzip -9 -n -c", file, ELF_PART + im.len, 0, &zlen);
	cr_assert_not_null(z, "gzip failed");
	cr_assert_leq(zlen, FIX_PM_SIZE - PAYLOAD_OFF);
	memcpy(img + FIX_PM_OFFSET + PAYLOAD_OFF, z, zlen);
	fixture_hdr(img)->payload_offset = PAYLOAD_OFF;
	fixture_hdr(img)->payload_length = (uint32_t)zlen;
	cr_assert_eq(symtab_load(&st, img, FIX_IMAGE_LEN), 0, "%s", err_msg());
	expect_all(BASE64);
	free(z);
	free(file);
	free(img);
}
