/* afl_mutator.c: vmm-afl-mutator.so, AFL++'s custom mutator (AFL_CUSTOM_MUTATOR_LIBRARY) over afl_mutate(): each test case afl-fuzz makes from a state file is a state file that parses; with VMM_MUTATOR_IMAGE, vmm fuzz's own field mutations. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "mmu/err.h"
#include "vmm/file.h"
#include "vmm/fuzz/afl_mutate.h"
#include "vmm/fuzz/afl_protocol.h"

struct mutator {
	uint64_t rng;
	struct afl_mutate m;
	struct file_map file;
	struct mutator_image ti;
	struct guest_mem mem;
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

/* The image named by VMM_MUTATOR_IMAGE, read and mapped: 0, or an error in err_msg(). */
static int load_image(struct mutator *m, const char *path)
{
	int r = file_map(path, MUTATOR_IMAGE_ENV, &m->file);

	if (r == 0)
		r = mutator_image_parse(m->file.data, m->file.len, &m->ti);
	if (r == 0)
		r = mutator_image_map(&m->ti, &m->mem);
	if (r == 0)
		m->m = (struct afl_mutate){ .ti = &m->ti, .mem = &m->mem };
	return r;
}

void afl_custom_deinit(void *data)
{
	struct mutator *m = data;

	if (m->m.ti)
		mutator_image_unmap(&m->mem);
	if (m->file.map)
		file_unmap(&m->file);
	free(m);
}

/* afl-fuzz (4.04c) does not check what init returns: it would go on and hand NULL to every
 * call. So where the mutator cannot work (no memory, VMM_MUTATOR_IMAGE not an image) it ends
 * afl-fuzz itself with one line and status 1, the one exit outside a main(). */
__attribute__((noreturn)) static void give_up(const char *why)
{
	fprintf(stderr, "vmm-afl-mutator: %s\n", why);
	exit(EXIT_FAILURE);
}

void *afl_custom_init(void *afl, unsigned int seed)
{
	struct mutator *m = calloc(1, sizeof(*m));
	const char *path = getenv(MUTATOR_IMAGE_ENV);
	char why[512];

	(void)afl;
	if (!m)
		give_up("no memory for the mutator");
	m->rng = seed;
	if (path && load_image(m, path) < 0) {
		snprintf(why, sizeof(why), "%s=%s: %s", MUTATOR_IMAGE_ENV, path, err_msg());
		give_up(why);
	}
	fprintf(stderr, "vmm-afl-mutator: %s\n", path ? "vmm fuzz's field mutations over the image in "
		MUTATOR_IMAGE_ENV ", text edits one time in 4" : "text edits (no VMM_MUTATOR_IMAGE)");
	return m;
}

size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf,
		       uint8_t *add_buf, size_t add_buf_size, size_t max_size)
{
	struct mutator *m = data;
	size_t room = max_size < sizeof(m->out) ? max_size : sizeof(m->out);

	*out_buf = (uint8_t *)m->out;
	return afl_mutate(&m->m, (const char *)buf, buf_size, (const char *)add_buf,
			  add_buf ? add_buf_size : 0, &m->rng, m->out, room);
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
