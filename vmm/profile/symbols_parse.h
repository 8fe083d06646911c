/* symbols_parse.h: what the symbol-file parsers share (symbols.c, symbols_elf.c); not for other callers. */
#ifndef VMM_PROFILE_SYMBOLS_PARSE_H
#define VMM_PROFILE_SYMBOLS_PARSE_H

#include "vmm/profile/symbols.h"

/* Append one symbol of nm letter `type`; `name` is `nlen` bytes, not
 * NUL-terminated. `size` is the file's own size (0: unknown). -ENOMEM. */
int symtab_add(struct symtab *st, uint64_t addr, uint64_t size, char type,
	       const char *name, size_t nlen);
/* Add the symbols of ELF64 file buf[0, len) to st (unsorted); -EINVAL with
 * a message naming the header field, section or symbol at fault. */
int symtab_load_elf(struct symtab *st, const uint8_t *buf, size_t len);

#endif
