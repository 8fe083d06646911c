/* symbols.h: a guest kernel's symbol table from System.map text or an ELF64 .symtab, by name and by address. */
#ifndef VMM_PROFILE_SYMBOLS_H
#define VMM_PROFILE_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* KSYM_NAME_LEN (include/linux/kallsyms.h): no kernel symbol is longer. */
#define SYMBOLS_NAME_MAX 511

struct sym {
	uint64_t addr;
	uint64_t size; /* bytes up to the next text symbol; 0: unknown */
	size_t name;   /* offset of the NUL-terminated name in symtab.names */
	char type;     /* nm's letter: T/t/W/w are text, D/d, B/b, R/r, A/a ... */
};

struct symtab {
	struct sym *sym; /* every symbol, by address (then preference) */
	size_t n, cap;
	size_t *text;    /* indices into sym of the text symbols, by address */
	size_t ntext;
	size_t *by_name; /* indices into sym, by name */
	char *names;
	size_t names_len, names_cap;
};

/*
 * Load the symbols in buf[0, len): an ELF64 little-endian file (from its
 * SHT_SYMTAB section) when it starts with the ELF magic, else System.map
 * text ("ffffffff81000000 T _text" lines; /proc/kallsyms's "[module]" field
 * is allowed and ignored). `st` need not be initialised and is left empty on
 * failure. Returns 0, -EINVAL for a malformed line, header or section (the
 * message names the line or field), or -ENOMEM. Free with symtab_free().
 */
int symtab_load(struct symtab *st, const uint8_t *buf, size_t len);
/* symtab_load() of the file at `path`; the message names the file. */
int symtab_load_file(struct symtab *st, const char *path);
/* The address of `name` (a global definition before a local one of the
 * same name); -ENOENT (with a message) if there is none. */
int symtab_lookup_name(const struct symtab *st, const char *name, uint64_t *addr);
/*
 * The text symbol that covers `addr` (from its address up to the next text
 * symbol's; the last one covers only its ELF st_size, or its own address
 * when that is unknown) and *offset = addr - its address (offset may be
 * NULL). NULL if no text symbol covers addr. The name lives until
 * symtab_free().
 */
const char *symtab_symbolize(const struct symtab *st, uint64_t addr, uint64_t *offset);
/* True for nm's text letters: t, T, w, W. */
bool symtab_is_text(char type);
void symtab_free(struct symtab *st);

#endif
