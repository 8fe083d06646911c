/* symbols_elf.c: the symbols of an ELF64 little-endian file's first SHT_SYMTAB (hostile input). */
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "mmu/err.h"
#include "vmm/profile/symbols_parse.h"

struct elf_in {
	const uint8_t *buf;
	size_t len;
	uint64_t shoff;
	size_t shnum, shentsize;
};

/* [off, off + size) lies inside the file. */
static bool elf_in_file(const struct elf_in *e, uint64_t off, uint64_t size)
{
	uint64_t end;

	return !__builtin_add_overflow(off, size, &end) && end <= e->len;
}

/* Section header i (< shnum, whose table was checked to be in the file). */
static Elf64_Shdr elf_shdr(const struct elf_in *e, size_t i)
{
	Elf64_Shdr sh;

	memcpy(&sh, e->buf + e->shoff + i * e->shentsize, sizeof(sh));
	return sh;
}

static int elf_header(struct elf_in *e)
{
	Elf64_Ehdr eh;
	uint64_t table;

	if (e->len < sizeof(eh))
		return errf(-EINVAL, "symbols: elf: %zu bytes, shorter than an ELF64 header", e->len);
	memcpy(&eh, e->buf, sizeof(eh));
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return errf(-EINVAL, "symbols: elf: EI_CLASS %u EI_DATA %u, not 64-bit little-endian",
			    eh.e_ident[EI_CLASS], eh.e_ident[EI_DATA]);
	if (eh.e_shentsize < sizeof(Elf64_Shdr))
		return errf(-EINVAL, "symbols: elf: e_shentsize %u < %zu",
			    eh.e_shentsize, sizeof(Elf64_Shdr));
	e->shoff = eh.e_shoff;
	e->shentsize = eh.e_shentsize;
	e->shnum = eh.e_shnum;
	if (!elf_in_file(e, e->shoff, e->shentsize))
		return errf(-EINVAL, "symbols: elf: e_shoff %#" PRIx64 " is outside the file (%zu bytes)",
			    e->shoff, e->len);
	if (e->shnum == 0) /* extended numbering: the count is in section 0 */
		e->shnum = (size_t)elf_shdr(e, 0).sh_size;
	if (__builtin_mul_overflow((uint64_t)e->shnum, (uint64_t)e->shentsize, &table) ||
	    !elf_in_file(e, e->shoff, table))
		return errf(-EINVAL, "symbols: elf: %zu section headers at e_shoff %#" PRIx64 " overrun the file (%zu bytes)",
			    e->shnum, e->shoff, e->len);
	return 0;
}

static int elf_section(const struct elf_in *e, const Elf64_Shdr *sh, size_t i)
{
	if (!elf_in_file(e, sh->sh_offset, sh->sh_size))
		return errf(-EINVAL, "symbols: elf: section %zu: sh_offset %#" PRIx64 " + sh_size %#" PRIx64 " is outside the file (%zu bytes)",
			    i, sh->sh_offset, sh->sh_size, e->len);
	return 0;
}

/* nm's letter for a global symbol of `type` in section `shndx`. */
static char elf_letter(const struct elf_in *e, unsigned shndx, unsigned type)
{
	Elf64_Shdr sh;

	if (shndx == SHN_ABS)
		return 'A';
	if (shndx >= e->shnum)
		return '?';
	sh = elf_shdr(e, shndx);
	if (sh.sh_flags & SHF_EXECINSTR || type == STT_FUNC || type == STT_GNU_IFUNC)
		return 'T';
	if (sh.sh_type == SHT_NOBITS)
		return 'B';
	return sh.sh_flags & SHF_WRITE ? 'D' : 'R';
}

/* binutils nm's coding, reduced: weak text W, weak data V, locals lower case. */
static char elf_type(const struct elf_in *e, const Elf64_Sym *s)
{
	unsigned bind = ELF64_ST_BIND(s->st_info);
	char c = elf_letter(e, s->st_shndx, ELF64_ST_TYPE(s->st_info));

	if (c == '?')
		return c;
	if (bind == STB_WEAK)
		return c == 'T' ? 'W' : 'V';
	return bind == STB_LOCAL ? (char)(c - 'A' + 'a') : c;
}

static int elf_symbol(struct symtab *st, const struct elf_in *e,
		      const Elf64_Shdr *strs, const Elf64_Sym *s, size_t i)
{
	unsigned type = ELF64_ST_TYPE(s->st_info);
	const char *name;
	size_t nlen;

	if (s->st_shndx == SHN_UNDEF || s->st_name == 0 ||
	    type == STT_SECTION || type == STT_FILE)
		return 0;
	if (s->st_name >= strs->sh_size)
		return errf(-EINVAL, "symbols: elf: symbol %zu: st_name %#x is past the string table (%#" PRIx64 " bytes)",
			    i, s->st_name, strs->sh_size);
	name = (const char *)e->buf + strs->sh_offset + s->st_name;
	nlen = strnlen(name, (size_t)(strs->sh_size - s->st_name));
	if (nlen == strs->sh_size - s->st_name)
		return errf(-EINVAL, "symbols: elf: symbol %zu: name at st_name %#x has no NUL in the string table",
			    i, s->st_name);
	if (nlen > SYMBOLS_NAME_MAX)
		return 0; /* longer than any kernel symbol: not one we look for */
	return symtab_add(st, s->st_value, s->st_size, elf_type(e, s), name, nlen);
}

static int elf_symbols(struct symtab *st, const struct elf_in *e,
		       const Elf64_Shdr *tab, size_t itab)
{
	Elf64_Shdr strs;
	int r = elf_section(e, tab, itab);

	if (r < 0)
		return r;
	if (tab->sh_entsize < sizeof(Elf64_Sym))
		return errf(-EINVAL, "symbols: elf: section %zu: sh_entsize %#" PRIx64 " < %zu",
			    itab, tab->sh_entsize, sizeof(Elf64_Sym));
	if (tab->sh_link >= e->shnum)
		return errf(-EINVAL, "symbols: elf: section %zu: sh_link %u is past e_shnum %zu",
			    itab, tab->sh_link, e->shnum);
	strs = elf_shdr(e, tab->sh_link);
	if (strs.sh_type != SHT_STRTAB)
		return errf(-EINVAL, "symbols: elf: section %u (sh_link of the symbol table) has sh_type %u, not SHT_STRTAB",
			    tab->sh_link, strs.sh_type);
	r = elf_section(e, &strs, tab->sh_link);
	for (size_t i = 1; r == 0 && i < tab->sh_size / tab->sh_entsize; i++) {
		Elf64_Sym s;

		memcpy(&s, e->buf + tab->sh_offset + i * tab->sh_entsize, sizeof(s));
		r = elf_symbol(st, e, &strs, &s, i);
	}
	return r;
}

int symtab_load_elf(struct symtab *st, const uint8_t *buf, size_t len)
{
	struct elf_in e = { .buf = buf, .len = len };
	int r = elf_header(&e);

	for (size_t i = 0; r == 0 && i < e.shnum; i++) {
		Elf64_Shdr sh = elf_shdr(&e, i);

		if (sh.sh_type == SHT_SYMTAB)
			return elf_symbols(st, &e, &sh, i);
	}
	return r < 0 ? r : errf(-ENOENT, "symbols: elf: no SHT_SYMTAB section");
}
