/* afl_mutator.c: vmm-afl-mutator.so, AFL++'s custom mutator (AFL_CUSTOM_MUTATOR_LIBRARY) over text_mutate(): each test case afl-fuzz makes from a state file is a state file that parses. */
#include <stdint.h>
#include <stdlib.h>

#include "vmm/fuzz/afl_protocol.h"
#include "vmm/fuzz/text_mutate.h"

struct mutator {
	uint64_t rng;
	struct entry_state scratch;
	char out[AFL_MAX_INPUT];
};

/* AFL++'s C API for a custom mutator (docs/custom_mutators.md, AFL++ 4.x). */
void *afl_custom_init(void *afl, unsigned int seed);
size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf,
		       uint8_t *add_buf, size_t add_buf_size, size_t max_size);
void afl_custom_deinit(void *data);
int32_t afl_custom_init_trim(void *data, uint8_t *buf, size_t buf_size);
size_t afl_custom_trim(void *data, uint8_t **out_buf);
int32_t afl_custom_post_trim(void *data, unsigned char success);

void *afl_custom_init(void *afl, unsigned int seed)
{
	struct mutator *m = calloc(1, sizeof(*m));

	(void)afl;
	if (m)
		m->rng = seed;
	return m;
}

size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf,
		       uint8_t *add_buf, size_t add_buf_size, size_t max_size)
{
	struct mutator *m = data;
	size_t room = max_size < sizeof(m->out) ? max_size : sizeof(m->out);

	*out_buf = (uint8_t *)m->out;
	return text_mutate((const char *)buf, buf_size, (const char *)add_buf, add_buf ? add_buf_size : 0,
			   &m->rng, &m->scratch, m->out, room);
}

void afl_custom_deinit(void *data)
{
	free(data);
}

/* No trimming: afl-fuzz's own cuts bytes out of a test case, which leaves a state file that
 * does not parse (as its havoc does). Zero steps; the other two are never called then. */
int32_t afl_custom_init_trim(void *data, uint8_t *buf, size_t buf_size)
{
	(void)data;
	(void)buf;
	(void)buf_size;
	return 0;
}

size_t afl_custom_trim(void *data, uint8_t **out_buf)
{
	struct mutator *m = data;

	*out_buf = (uint8_t *)m->out;
	return 0;
}

int32_t afl_custom_post_trim(void *data, unsigned char success)
{
	(void)data;
	(void)success;
	return 0;
}
