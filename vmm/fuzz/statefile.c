/* statefile.c: a state's hash (the first bytes of the SHA-256 of its dump). */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sha256.h"
#include "vmm/fuzz/worker.h"
#include "vmm/state.h"

void fuzz_state_hash(const struct entry_state *st, char hex[17])
{
	size_t len = 0;
	char *text = state_text(st, &len);
	struct sha256 h;
	uint8_t d[SHA256_LEN];

	if (!text)
		len = 0;
	sha256_init(&h);
	sha256_update(&h, text ? text : "", len);
	sha256_final(&h, d);
	for (unsigned i = 0; i < 8; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	free(text);
}
