/* symbols_parse.h: what the symbol-file parsers share (symbols.c, symbols_elf.c, symbols_kallsyms.c); not for other callers. */
#ifndef VMM_PROFILE_SYMBOLS_PARSE_H
#define VMM_PROFILE_SYMBOLS_PARSE_H

#include "vmm/profile/symbols.h"

/* Append one symbol of nm letter `type`; `name` is `nlen` bytes, not
 * NUL-terminated. `size` is the file's own size (0: unknown). -ENOMEM. */
int symtab_add(struct symtab *st, uint64_t addr, uint64_t size, char type,
	       const char *name, size_t nlen);
/* Add the symbols of ELF64 file buf[0, len) to st (unsorted); -EINVAL with
 * a message naming the header field, section or symbol at fault, -ENOENT if
 * it has no SHT_SYMTAB section. */
int symtab_load_elf(struct symtab *st, const uint8_t *buf, size_t len);
/* Add the symbols of the kallsyms tables found in buf[0, len) (a vmlinux
 * image's bytes; `word`: its pointer size, 8 or 4) to st (unsorted), at their
 * link-time addresses; -ENOENT if there are none, -EINVAL if they are
 * malformed (symbols_kallsyms.c). */
int symtab_load_kallsyms(struct symtab *st, const uint8_t *buf, size_t len, unsigned word);

#endif
