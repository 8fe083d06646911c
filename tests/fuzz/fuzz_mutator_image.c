/* fuzz_mutator_image.c: libFuzzer target: mutator_image_parse() on any bytes, and for an image that parses, compared with itself (vmm fuzz --afl's check), its memory mapped and afl_mutate() drawing from it: every draw parses. */
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz_util.h"
#include "vmm/fuzz/afl_mutate.h"
#include "vmm/state.h"

#define DRAWS 8
#define MEM_CAP (1ULL << 30) /* larger images parse, but are not mapped here (memory, time) */

static struct mutator_image ti;
static struct afl_mutate m;
static struct entry_state check;
static char out[1 << 16];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct guest_mem mem;
	size_t len = 0;
	char *text;

	if (mutator_image_parse(data, size, &ti) < 0)
		return 0;
	if (mutator_image_compare(&ti, &ti) != 0)
		fuzz_fail("an image that parses differs from itself");
	if (ti.mem_size > MEM_CAP || mutator_image_map(&ti, &mem) < 0)
		return 0;
	text = state_text(&ti.valid, &len);
	if (!text)
		fuzz_fail("state_text: out of memory");
	m = (struct afl_mutate){ .ti = &ti, .mem = &mem };
	for (uint64_t seed = 1; seed <= DRAWS; seed++) {
		uint64_t rng = seed ^ size;
		size_t n = afl_mutate(&m, text, len, text, len, &rng, out, sizeof(out));

		check = ti.valid;
		if (n > sizeof(out))
			fuzz_fail("afl_mutate wrote past its room");
		if (n && state_parse(out, n, &check) < 0)
			fuzz_fail("afl_mutate: a test case that does not parse");
	}
	free(text);
	mutator_image_unmap(&mem);
	return 0;
}
