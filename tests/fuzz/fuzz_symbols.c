/* fuzz_symbols.c: libFuzzer target: symtab_load() over System.map text, an ELF64 .symtab or the kallsyms tables in a stripped ELF file, then lookups that must agree. */
#include <string.h>

#include "tests/fuzz/fuzz_util.h"
#include "vmm/profile/symbols.h"

/* Every loaded symbol is found by name, and every text symbol's own
 * address symbolizes to a name at offset 0. */
static void check(const struct symtab *st)
{
	for (size_t i = 0; i < st->n; i++) {
		const struct sym *s = &st->sym[i];
		uint64_t addr, off = 1;

		if (i && s->addr < st->sym[i - 1].addr)
			fuzz_fail("symbols out of address order");
		if (symtab_lookup_name(st, st->names + s->name, &addr) < 0)
			fuzz_fail("a loaded name is not found");
		if (symtab_is_text(s->type) &&
		    (!symtab_symbolize(st, s->addr, &off) || off != 0))
			fuzz_fail("a text symbol's address does not symbolize to offset 0");
	}
	for (size_t j = 1; j < st->ntext; j++) {
		if (st->sym[st->text[j]].addr < st->sym[st->text[j - 1]].addr)
			fuzz_fail("text index out of address order");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct symtab st;

	if (symtab_load(&st, data, size) < 0)
		return 0;
	check(&st);
	symtab_free(&st);
	return 0;
}
