/* fuzz_payload_cache.c: libFuzzer target: pcache_check() on a cache entry as read from disk, and the header/check round trip. */
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz_util.h"
#include "vmm/payload_cache.h"

/* The header's fields (payload_cache.c): magic, key at 8, length at 40, checksum at 48. */
#define OFF_KEY 8

/* A valid answer points at the bytes after the header and covers the rest. */
static void check_hit(const uint8_t *entry, size_t len, const uint8_t *data, size_t data_len)
{
	if (len < PCACHE_HDR_LEN || data != entry + PCACHE_HDR_LEN ||
	    data_len != len - PCACHE_HDR_LEN)
		fuzz_fail("pcache_check: accepted entry points outside itself");
}

static void check_entry(const uint8_t *entry, size_t len, const uint8_t key[SHA256_LEN])
{
	const uint8_t *data = NULL;
	size_t data_len = 0;

	if (pcache_check(entry, len, key, &data, &data_len) == 0)
		check_hit(entry, len, data, data_len);
}

/* An entry made by pcache_header() over the input is always accepted. */
static void round_trip(const uint8_t *data, size_t size, const uint8_t key[SHA256_LEN])
{
	uint8_t *entry = malloc(PCACHE_HDR_LEN + size);
	const uint8_t *got;
	size_t got_len;

	if (!entry)
		fuzz_fail("malloc");
	pcache_header(entry, key, data, size);
	if (size)
		memcpy(entry + PCACHE_HDR_LEN, data, size);
	if (pcache_check(entry, PCACHE_HDR_LEN + size, key, &got, &got_len) != 0 ||
	    got_len != size || memcmp(got, data, size))
		fuzz_fail("pcache_check: refused pcache_header()'s entry");
	free(entry);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t fixed_key[SHA256_LEN] = { 0x5a, 0x01, 0x02, 0x03 };
	uint8_t key[SHA256_LEN];

	check_entry(data, size, fixed_key);
	/* The key the entry names itself: only length and checksum can fail. */
	if (size >= OFF_KEY + SHA256_LEN) {
		memcpy(key, data + OFF_KEY, SHA256_LEN);
		check_entry(data, size, key);
	}
	pcache_key(data, size, key);
	round_trip(data, size, key);
	return 0;
}
