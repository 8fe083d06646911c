/* test_symbols.c: System.map and ELF64 .symtab loading, name lookup, symbolization, one test per rejected field. */
#include <criterion/criterion.h>
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/err.h"
#include "vmm/profile/symbols.h"

static struct symtab st;

static void setup(void)
{
	err_clear();
	memset(&st, 0, sizeof(st));
}

static void teardown(void)
{
	symtab_free(&st);
}

TestSuite(symbols, .init = setup, .fini = teardown);

static int load_text(const char *text)
{
	return symtab_load(&st, (const uint8_t *)text, strlen(text));
}

static void expect_reject(const uint8_t *buf, size_t len, const char *field)
{
	cr_assert_eq(symtab_load(&st, buf, len), -EINVAL, "%s", err_msg());
	cr_assert_not_null(strstr(err_msg(), field), "message '%s' lacks '%s'",
			   err_msg(), field);
	cr_assert_eq(st.n, 0, "a failed load leaves the table empty");
}

static void expect_text_reject(const char *text, const char *field)
{
	expect_reject((const uint8_t *)text, strlen(text), field);
}

static const char MAP[] =
	"0000000001000000 A phys_startup_64\n"
	"ffffffff81000000 T _text\n"
	"ffffffff81000000 T startup_64\n"
	"ffffffff81000100 t helper\n"
	"ffffffff81000200 T start_kernel\r\n"
	"\n"
	"ffffffff81000300 W weak_fn\n"
	"ffffffff81000400 t helper\n"
	"ffffffff81000500 T helper\n"
	"ffffffff82000000 D jiffies\n"
	"ffffffff81000600 T _etext";

static uint64_t addr_of(const char *name)
{
	uint64_t a = 0;

	cr_assert_eq(symtab_lookup_name(&st, name, &a), 0, "%s", err_msg());
	return a;
}

Test(symbols, map_lookup_by_name)
{
	cr_assert_eq(load_text(MAP), 0, "%s", err_msg());
	cr_assert_eq(st.n, 10);
	cr_assert_eq(addr_of("_text"), 0xffffffff81000000);
	cr_assert_eq(addr_of("start_kernel"), 0xffffffff81000200, "CRLF lines load");
	cr_assert_eq(addr_of("jiffies"), 0xffffffff82000000, "data symbols are kept for lookup");
	cr_assert_eq(addr_of("phys_startup_64"), 0x1000000);
	cr_assert_eq(addr_of("helper"), 0xffffffff81000500, "the global helper wins over the locals");
	cr_assert_eq(symtab_lookup_name(&st, "nope", &(uint64_t){ 0 }), -ENOENT);
	cr_assert_not_null(strstr(err_msg(), "nope"));
	cr_assert_eq(symtab_lookup_name(&st, "", &(uint64_t){ 0 }), -ENOENT);
}

Test(symbols, map_symbolize)
{
	uint64_t off = 99;

	cr_assert_eq(load_text(MAP), 0, "%s", err_msg());
	cr_assert_str_eq(symtab_symbolize(&st, 0xffffffff81000000, &off), "startup_64",
			 "of two names at one address, the one without a leading _");
	cr_assert_eq(off, 0);
	cr_assert_str_eq(symtab_symbolize(&st, 0xffffffff810000ff, &off), "startup_64");
	cr_assert_eq(off, 0xff);
	cr_assert_str_eq(symtab_symbolize(&st, 0xffffffff81000100, &off), "helper");
	cr_assert_str_eq(symtab_symbolize(&st, 0xffffffff81000234, &off), "start_kernel");
	cr_assert_eq(off, 0x34);
	cr_assert_str_eq(symtab_symbolize(&st, 0xffffffff81000301, NULL), "weak_fn");
	cr_assert_str_eq(symtab_symbolize(&st, 0xffffffff81000600, &off), "_etext");
	cr_assert_null(symtab_symbolize(&st, 0xffffffff81000601, &off),
		       "past the last text symbol, whose size is unknown");
	cr_assert_null(symtab_symbolize(&st, 0xffffffff80ffffff, &off), "below the first");
	cr_assert_null(symtab_symbolize(&st, 0x1000000, &off), "absolute symbols are not text");
	cr_assert_null(symtab_symbolize(&st, 0xffffffff82000000, &off), "data is not text");
}

Test(symbols, map_sizes_from_next_text_symbol)
{
	cr_assert_eq(load_text(MAP), 0, "%s", err_msg());
	for (size_t i = 0; i < st.ntext; i++) {
		const struct sym *s = &st.sym[st.text[i]];

		if (!strcmp(st.names + s->name, "start_kernel"))
			cr_assert_eq(s->size, 0x100);
		if (!strcmp(st.names + s->name, "_text"))
			cr_assert_eq(s->size, 0x100, "both names at one address get the size");
	}
	cr_assert_eq(st.ntext, 8);
}

Test(symbols, map_accepts_kallsyms_module_field)
{
	cr_assert_eq(load_text("ffffffffc0000000 t mod_fn\t[ext4]\n"), 0, "%s", err_msg());
	cr_assert_eq(addr_of("mod_fn"), 0xffffffffc0000000);
}

Test(symbols, map_skips_undefined_nm_lines)
{
	cr_assert_eq(load_text("                 U undef\n                 w wk\nffffffff81000000 T a\n"), 0,
		     "nm prints no address for undefined symbols: %s", err_msg());
	cr_assert_eq(st.n, 1);
	symtab_free(&st);
	cr_assert_eq(load_text("0000000000000000 U undef\nffffffff81000000 T a\n"), 0,
		     "%s", err_msg());
	cr_assert_eq(st.n, 1);
}

Test(symbols, map_rejects_bad_address)
{
	expect_text_reject("ffffffff81000000 T a\nfffffffg81000000 T b\n", "line 2");
	expect_text_reject("ffffffff81000000 T a\nfffffffg81000000 T b\n", "fffffffg81000000");
	expect_text_reject("1ffffffff81000000 T a\n", "1-16 hex digits");
	expect_text_reject("0x10 T a\n", "address '0x10'");
}

Test(symbols, map_rejects_bad_fields)
{
	expect_text_reject("ffffffff81000000 T\n", "line 1: 2 fields");
	expect_text_reject("ffffffff81000000\n", "1 fields");
	expect_text_reject("1 T a [m] extra\n", "5 or more fields");
	/* Debian's linux-image: the whole file (the map is in the -dbg package). */
	expect_text_reject("ffffffffffffffff B The real System.map is in the linux-image-<version>-dbg package\n",
			   "line 1 is a placeholder");
	expect_text_reject("ffffffffffffffff B The real System.map is in the linux-image-<version>-dbg package\n",
			   "scripts/guest-symbols");
	expect_text_reject("1 TT a\n", "type 'TT'");
	expect_text_reject("1 1 a\n", "type '1'");
	expect_text_reject("1 T a b\n", "fourth field 'b'");
}

Test(symbols, map_rejects_bad_name)
{
	static const uint8_t nul[] = "1 T a\0b\n";
	char longname[600];

	expect_reject(nul, sizeof(nul) - 1, "name byte 1 is 0");
	expect_text_reject("1 T caf\xc3\xa9\n", "name byte 3 is 0xc3");
	memset(longname, 'x', sizeof(longname));
	memcpy(longname, "1 T ", 4);
	longname[sizeof(longname) - 1] = '\0';
	expect_text_reject(longname, "name of 595 bytes");
}

Test(symbols, rejects_empty)
{
	expect_text_reject("", "no symbols");
	expect_text_reject("\n\n  \n", "no symbols");
}

/* ---- A small vmlinux-shaped ELF64: .text, .data, .bss, .symtab, .strtab. */

enum { SH_TEXT = 1, SH_DATA, SH_BSS, SH_SYMTAB, SH_STRTAB, SH_N };
#define NSYM 9
#define OFF_SHDR sizeof(Elf64_Ehdr)
#define OFF_SYM (OFF_SHDR + SH_N * sizeof(Elf64_Shdr))
#define OFF_STR (OFF_SYM + NSYM * sizeof(Elf64_Sym))
static const char STR[] = "\0startup_64\0_text\0start_kernel\0helper\0jiffies\0a.c\0weak_fn\0zero\0";
#define ELF_LEN (OFF_STR + sizeof(STR))
#define TEXT 0xffffffff81000000ull

static uint8_t elf[ELF_LEN];

static Elf64_Shdr *shdr(unsigned i)
{
	return (Elf64_Shdr *)(elf + OFF_SHDR) + i;
}

static Elf64_Sym *symp(unsigned i)
{
	return (Elf64_Sym *)(elf + OFF_SYM) + i;
}

static unsigned str_at(const char *name)
{
	for (unsigned i = 1; i < sizeof(STR); i += (unsigned)strlen(STR + i) + 1)
		if (!strcmp(STR + i, name))
			return i;
	cr_assert_fail("no %s in STR", name);
	return 0;
}

static void sym_set(unsigned i, const char *name, unsigned bind, unsigned type,
		    unsigned shndx, uint64_t value, uint64_t size)
{
	*symp(i) = (Elf64_Sym){ .st_name = str_at(name), .st_info = ELF64_ST_INFO(bind, type),
				.st_shndx = (uint16_t)shndx, .st_value = value, .st_size = size };
}

static void make_elf(void)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)elf;

	memset(elf, 0, sizeof(elf));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_type = ET_EXEC;
	eh->e_shoff = OFF_SHDR;
	eh->e_shentsize = sizeof(Elf64_Shdr);
	eh->e_shnum = SH_N;
	memcpy(elf + OFF_STR, STR, sizeof(STR));
	*shdr(SH_TEXT) = (Elf64_Shdr){ .sh_type = SHT_PROGBITS, .sh_flags = SHF_ALLOC | SHF_EXECINSTR };
	*shdr(SH_DATA) = (Elf64_Shdr){ .sh_type = SHT_PROGBITS, .sh_flags = SHF_ALLOC | SHF_WRITE };
	*shdr(SH_BSS) = (Elf64_Shdr){ .sh_type = SHT_NOBITS, .sh_flags = SHF_ALLOC | SHF_WRITE };
	*shdr(SH_SYMTAB) = (Elf64_Shdr){ .sh_type = SHT_SYMTAB, .sh_offset = OFF_SYM,
					 .sh_size = NSYM * sizeof(Elf64_Sym), .sh_link = SH_STRTAB,
					 .sh_entsize = sizeof(Elf64_Sym) };
	*shdr(SH_STRTAB) = (Elf64_Shdr){ .sh_type = SHT_STRTAB, .sh_offset = OFF_STR, .sh_size = sizeof(STR) };
	sym_set(1, "startup_64", STB_GLOBAL, STT_NOTYPE, SH_TEXT, TEXT, 0);
	sym_set(2, "_text", STB_GLOBAL, STT_NOTYPE, SH_TEXT, TEXT, 0);
	sym_set(3, "start_kernel", STB_GLOBAL, STT_FUNC, SH_TEXT, TEXT + 0x100, 0x80);
	sym_set(4, "helper", STB_LOCAL, STT_FUNC, SH_TEXT, TEXT + 0x200, 0x40);
	sym_set(5, "jiffies", STB_GLOBAL, STT_OBJECT, SH_DATA, TEXT + 0x1000000, 8);
	sym_set(6, "a.c", STB_LOCAL, STT_FILE, SHN_ABS, 0, 0);
	sym_set(7, "weak_fn", STB_WEAK, STT_FUNC, SH_TEXT, TEXT + 0x180, 0x10);
	sym_set(8, "zero", STB_GLOBAL, STT_OBJECT, SH_BSS, TEXT + 0x2000000, 4);
}

static char type_of(const char *name)
{
	for (size_t i = 0; i < st.n; i++)
		if (!strcmp(st.names + st.sym[i].name, name))
			return st.sym[i].type;
	return 0;
}

Test(symbols, elf_loads_symtab)
{
	uint64_t off;

	make_elf();
	cr_assert_eq(symtab_load(&st, elf, ELF_LEN), 0, "%s", err_msg());
	cr_assert_eq(st.n, 7, "the FILE symbol and symbol 0 are skipped");
	cr_assert_eq(addr_of("start_kernel"), TEXT + 0x100);
	cr_assert_eq(type_of("startup_64"), 'T', "NOTYPE in an executable section is text");
	cr_assert_eq(type_of("helper"), 't');
	cr_assert_eq(type_of("weak_fn"), 'W');
	cr_assert_eq(type_of("jiffies"), 'D');
	cr_assert_eq(type_of("zero"), 'B');
	cr_assert_eq(type_of("a.c"), 0);
	cr_assert_str_eq(symtab_symbolize(&st, TEXT + 0x17f, &off), "start_kernel");
	cr_assert_str_eq(symtab_symbolize(&st, TEXT + 0x181, &off), "weak_fn");
	cr_assert_str_eq(symtab_symbolize(&st, TEXT + 0x23f, &off), "helper",
			 "the last text symbol covers its st_size");
	cr_assert_eq(off, 0x3f);
	cr_assert_null(symtab_symbolize(&st, TEXT + 0x240, &off));
	cr_assert_null(symtab_symbolize(&st, TEXT + 0x1000000, &off));
}

Test(symbols, elf_unaligned_buffer)
{
	uint8_t *buf = malloc(ELF_LEN + 1);

	make_elf();
	memcpy(buf + 1, elf, ELF_LEN);
	cr_assert_eq(symtab_load(&st, buf + 1, ELF_LEN), 0, "%s", err_msg());
	cr_assert_eq(st.n, 7);
	free(buf);
}

Test(symbols, elf_rejects_header)
{
	make_elf();
	expect_reject(elf, 40, "shorter than an ELF64 header");
	elf[EI_CLASS] = ELFCLASS32; /* only a 32-bit kernel's kallsyms are read: there are none */
	expect_reject(elf, ELF_LEN, "EI_CLASS 1");
	make_elf();
	((Elf64_Ehdr *)elf)->e_shentsize = 10;
	expect_reject(elf, ELF_LEN, "e_shentsize 10");
	make_elf();
	((Elf64_Ehdr *)elf)->e_shoff = ~0ull - 8;
	expect_reject(elf, ELF_LEN, "e_shoff");
	make_elf();
	((Elf64_Ehdr *)elf)->e_shnum = 0xffff;
	expect_reject(elf, ELF_LEN, "65535 section headers");
	make_elf();
	shdr(SH_SYMTAB)->sh_type = SHT_PROGBITS;
	expect_reject(elf, ELF_LEN, "no SHT_SYMTAB");
}

Test(symbols, elf_extended_section_count)
{
	make_elf();
	((Elf64_Ehdr *)elf)->e_shnum = 0;
	shdr(0)->sh_size = SH_N;
	cr_assert_eq(symtab_load(&st, elf, ELF_LEN), 0, "%s", err_msg());
	symtab_free(&st);
	shdr(0)->sh_size = ~0ull;
	expect_reject(elf, ELF_LEN, "section headers");
}

Test(symbols, elf_rejects_sections)
{
	make_elf();
	shdr(SH_SYMTAB)->sh_size = ~0ull;
	expect_reject(elf, ELF_LEN, "section 4: sh_offset");
	make_elf();
	shdr(SH_SYMTAB)->sh_entsize = 8;
	expect_reject(elf, ELF_LEN, "sh_entsize 0x8");
	make_elf();
	shdr(SH_SYMTAB)->sh_link = 77;
	expect_reject(elf, ELF_LEN, "sh_link 77");
	make_elf();
	shdr(SH_STRTAB)->sh_type = SHT_PROGBITS;
	expect_reject(elf, ELF_LEN, "not SHT_STRTAB");
	make_elf();
	shdr(SH_STRTAB)->sh_offset = ELF_LEN;
	expect_reject(elf, ELF_LEN, "section 5: sh_offset");
	make_elf();
	expect_reject(elf, ELF_LEN - 1, "section 5");
}

Test(symbols, elf_rejects_symbol_names)
{
	make_elf();
	symp(3)->st_name = sizeof(STR);
	expect_reject(elf, ELF_LEN, "symbol 3: st_name");
	make_elf();
	shdr(SH_STRTAB)->sh_size = sizeof(STR) - 2; /* cuts "zero"'s NUL */
	expect_reject(elf, ELF_LEN, "symbol 8: name");
	make_elf();
	symp(4)->st_shndx = SH_N; /* past the sections: loaded with type '?' */
	cr_assert_eq(symtab_load(&st, elf, ELF_LEN), 0, "%s", err_msg());
	cr_assert_eq(type_of("helper"), '?');
}
