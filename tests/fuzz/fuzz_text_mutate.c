/* fuzz_text_mutate.c: libFuzzer target: text_mutate() (AFL++'s custom mutator) on any bytes: it stays within its room, gives the same text for the same draw, and what it changed parses. */
#include <string.h>

#include "tests/fuzz/fuzz_util.h"
#include "vmm/fuzz/text_mutate.h"
#include "vmm/state.h"

#define ROOM 4096

static struct entry_state scratch;
static char out[ROOM], again[ROOM];

/* Input: 8 bytes of the draw's seed, then the test case, a NUL, and the second test case. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t seed = 0, a, b;
	const char *in, *nul, *other = NULL;
	size_t len, olen = 0, n, m, room;

	if (size < 9)
		return 0;
	memcpy(&seed, data, 8);
	in = (const char *)data + 8;
	len = size - 8;
	nul = memchr(in, '\0', len);
	if (nul) {
		other = nul + 1;
		olen = len - (size_t)(other - in);
		len = (size_t)(nul - in);
	}
	room = 1 + seed % ROOM; /* rooms smaller than the text too */
	a = b = seed;
	n = text_mutate(in, len, other, olen, &a, &scratch, out, room);
	m = text_mutate(in, len, other, olen, &b, &scratch, again, room);
	if (n > room)
		fuzz_fail("text_mutate wrote past its room");
	if (n != m || a != b || memcmp(out, again, n))
		fuzz_fail("text_mutate: the same draw gave another text");
	if (n == 0 && len > 0 && len <= room)
		fuzz_fail("text_mutate: the input fits but nothing came back");
	if (n && (n != len || memcmp(out, in, n)) && state_parse(out, n, &scratch) < 0)
		fuzz_fail("text_mutate: a changed text that does not parse");
	return 0;
}
