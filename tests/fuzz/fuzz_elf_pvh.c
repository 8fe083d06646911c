/* fuzz_elf_pvh.c: libFuzzer target: elf_parse() (and the fit check and load it allows) and pvh_note_scan() on raw bytes. */
#include "loader/elf.h"
#include "loader/pvh.h"
#include "mmu/bits.h"
#include "tests/fuzz/fuzz_util.h"
#include "vmm/layout.h"

/* Segments above 64 MiB are refused by elf_check_fit() before any copy. */
#define RAM_SIZE MiB(64)

/* elf_parse() promises every accepted PT_LOAD lies inside the file. */
static void check_segments(const struct elf_kernel *k, size_t len)
{
	for (unsigned i = 0; i < k->nload; i++) {
		const struct elf_load_seg *s = &k->load[i];

		if (s->offset > len || s->filesz > len - s->offset || s->filesz > s->memsz)
			fuzz_fail("elf_parse: accepted a PT_LOAD outside the file");
	}
}

static void fuzz_elf(const uint8_t *data, size_t size)
{
	struct guest_mem gm = fuzz_ram(RAM_SIZE);
	struct elf_kernel k;

	if (elf_parse(data, size, &k) < 0)
		return;
	if (k.nload > ELF_MAX_LOAD)
		fuzz_fail("elf_parse: nload beyond ELF_MAX_LOAD");
	check_segments(&k, size);
	if (elf_check_fit(&k, &gm, LAYOUT_KERNEL_FLOOR) == 0) {
		(void)elf_load(&k, &gm);
		fuzz_ram_reset();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool found = false;
	uint32_t entry = 0;

	fuzz_elf(data, size);
	/* The whole input as one PT_NOTE segment's contents. */
	(void)pvh_note_scan(data, size, &found, &entry);
	return 0;
}
