/* mutator_image.c: the mutator image of vmm-afl-mutator.so: made from a loaded image, encoded, parsed back (hostile input), and mapped as sparse guest memory. */
#define _GNU_SOURCE
#include "vmm/fuzz/mutator_image.h"

#include <asm/bootparam.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "loader/memmap.h"
#include "loader/pvh.h"
#include "mmu/err.h"
#include "vmm/config.h"
#include "vmm/fuzz/mutate.h"
#include "vmm/state.h"

/* The header: magic, version, flags, mem_size, info, table_bytes, table_limit (paging.limit:
 * not in a state file, and the paging mutations check a mode's tables against it),
 * nregions, state_len. */
#define HEADER_BYTES 64
_Static_assert(sizeof(MUTATOR_IMAGE_MAGIC) == 16 + 1, "the magic is 16 bytes");
#define REGION_HEADER_BYTES 16 /* gpa, len */
#define FLAG_WILD 1u
/* Page tables at most: pte_find() may scan them all, so a hostile file must not make that
 * long. A 1:1 map of 4 GiB in 4 KiB pages takes about 8 MiB. */
#define TABLES_MAX (64ULL << 20)

static int add_region(struct mutator_image *ti, const struct guest_mem *mem, const char *what,
		      gpa_t gpa, uint64_t len)
{
	const uint8_t *p = gm_ptr(mem, gpa, len);

	if (!p || !len)
		return errf(-EINVAL, "mutator image: %s [0x%" PRIx64 ", +0x%" PRIx64 ") is not RAM",
			    what, gpa, len);
	ti->region[ti->nregions++] = (struct mutator_region){ gpa, len, p };
	return 0;
}

static int add_boot_info(struct mutator_image *ti, const struct guest_mem *mem)
{
	const struct hvm_start_info *si;
	int r;

	if (ti->valid.proto != BOOT_PVH)
		return add_region(ti, mem, "zero page", ti->info, sizeof(struct boot_params));
	r = add_region(ti, mem, "hvm_start_info", ti->info, sizeof(*si));
	if (r < 0)
		return r;
	si = (const struct hvm_start_info *)ti->region[0].bytes;
	if (si->memmap_entries == 0)
		return 0;
	if (si->memmap_entries > MEMMAP_MAX)
		return errf(-EINVAL, "mutator image: hvm_start_info.memmap_entries %u is more than %d",
			    si->memmap_entries, MEMMAP_MAX);
	return add_region(ti, mem, "PVH memory map", si->memmap_paddr,
			  si->memmap_entries * (uint64_t)sizeof(struct hvm_memmap_table_entry));
}

int mutator_image_make(struct mutator_image *ti, const struct guest_mem *mem,
		       const struct entry_state *valid, uint64_t table_bytes, bool wild)
{
	int r;

	*ti = (struct mutator_image){ .mem_size = mem->size, .info = fuzz_boot_info(valid),
				      .table_bytes = table_bytes,
				      .wild = wild, .valid = *valid };
	if (table_bytes > TABLES_MAX)
		return errf(-EINVAL, "mutator image: 0x%" PRIx64 " bytes of page tables, more than 0x%llx",
			    table_bytes, TABLES_MAX);
	r = add_boot_info(ti, mem);
	if (r == 0 && table_bytes)
		r = add_region(ti, mem, "page tables", valid->paging.base, table_bytes);
	return r;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4); /* little-endian host, as the file */
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

int mutator_image_encode(const struct mutator_image *ti, uint8_t **out, size_t *len)
{
	size_t tlen = 0, n = HEADER_BYTES, at;
	char *text = state_text(&ti->valid, &tlen);
	uint8_t *b;

	if (!text || tlen > MUTATOR_IMAGE_STATE_MAX) {
		free(text);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < ti->nregions; i++)
		n += REGION_HEADER_BYTES + ti->region[i].len;
	b = malloc(n + tlen);
	if (!b) {
		free(text);
		return -ENOMEM;
	}
	memcpy(b, MUTATOR_IMAGE_MAGIC, 16);
	put32(b + 16, MUTATOR_IMAGE_VERSION);
	put32(b + 20, ti->wild ? FLAG_WILD : 0);
	put64(b + 24, ti->mem_size);
	put64(b + 32, ti->info);
	put64(b + 40, ti->table_bytes);
	put64(b + 48, ti->valid.paging.limit);
	put32(b + 56, ti->nregions);
	put32(b + 60, (uint32_t)tlen);
	at = HEADER_BYTES;
	for (unsigned i = 0; i < ti->nregions; i++) {
		put64(b + at, ti->region[i].gpa);
		put64(b + at + 8, ti->region[i].len);
		memcpy(b + at + REGION_HEADER_BYTES, ti->region[i].bytes, ti->region[i].len);
		at += REGION_HEADER_BYTES + ti->region[i].len;
	}
	memcpy(b + at, text, tlen);
	free(text);
	*out = b;
	*len = n + tlen;
	return 0;
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static int parse_header(const uint8_t *buf, size_t len, struct mutator_image *ti, uint32_t *state_len,
			uint64_t *limit)
{
	uint32_t flags;

	if (len < HEADER_BYTES || memcmp(buf, MUTATOR_IMAGE_MAGIC, 16))
		return errf(-EINVAL, "mutator image: not a mutator image (no '%.15s' header)", MUTATOR_IMAGE_MAGIC);
	if (get32(buf + 16) != MUTATOR_IMAGE_VERSION)
		return errf(-EINVAL, "mutator image: version %u, this build reads %d", get32(buf + 16),
			    MUTATOR_IMAGE_VERSION);
	flags = get32(buf + 20);
	if (flags & ~FLAG_WILD)
		return errf(-EINVAL, "mutator image: flags 0x%x: unknown bits", flags);
	*ti = (struct mutator_image){ .mem_size = get64(buf + 24), .info = get64(buf + 32),
				      .table_bytes = get64(buf + 40), .wild = flags & FLAG_WILD,
				      .nregions = get32(buf + 56) };
	*limit = get64(buf + 48);
	*state_len = get32(buf + 60);
	if (ti->mem_size < CONFIG_MIN_MEM || ti->mem_size > CONFIG_MAX_MEM)
		return errf(-EINVAL, "mutator image: mem_size 0x%" PRIx64 " is outside [16 MiB, 1 TiB]",
			    ti->mem_size);
	if (ti->nregions == 0 || ti->nregions > MUTATOR_IMAGE_REGIONS)
		return errf(-EINVAL, "mutator image: nregions %u is not 1..%d", ti->nregions,
			    MUTATOR_IMAGE_REGIONS);
	if (*state_len == 0 || *state_len > MUTATOR_IMAGE_STATE_MAX)
		return errf(-EINVAL, "mutator image: state_len %u is not 1..%u", *state_len,
			    MUTATOR_IMAGE_STATE_MAX);
	if (ti->table_bytes > TABLES_MAX)
		return errf(-EINVAL, "mutator image: table_bytes 0x%" PRIx64 " is more than 0x%llx",
			    ti->table_bytes, TABLES_MAX);
	return 0;
}

/* Region i at *at; *at moves past it. */
static int parse_region(const uint8_t *buf, size_t len, size_t *at, struct mutator_region *r, unsigned i)
{
	if (len - *at < REGION_HEADER_BYTES)
		return errf(-EINVAL, "mutator image: region %u: the file ends in its header", i);
	r->gpa = get64(buf + *at);
	r->len = get64(buf + *at + 8);
	*at += REGION_HEADER_BYTES;
	if (r->len == 0 || r->len > len - *at)
		return errf(-EINVAL, "mutator image: region %u: len 0x%" PRIx64 " is 0 or past the file's end",
			    i, r->len);
	r->bytes = buf + *at;
	*at += r->len;
	return 0;
}

/* The regions the mutator reads must be there: the boot info first, the page tables whole. */
static int check_regions(const struct mutator_image *ti)
{
	bool tables = ti->table_bytes == 0;

	if (ti->region[0].gpa != ti->info)
		return errf(-EINVAL, "mutator image: region 0 at 0x%" PRIx64 " is not the boot info at 0x%" PRIx64,
			    ti->region[0].gpa, ti->info);
	for (unsigned i = 0; i < ti->nregions; i++)
		tables |= ti->region[i].gpa == ti->valid.paging.base && ti->region[i].len == ti->table_bytes;
	if (!tables)
		return errf(-EINVAL, "mutator image: no region holds the 0x%" PRIx64 " bytes of page tables at 0x%" PRIx64,
			    ti->table_bytes, ti->valid.paging.base);
	return 0;
}

int mutator_image_parse(const uint8_t *buf, size_t len, struct mutator_image *ti)
{
	uint32_t state_len = 0;
	uint64_t limit = 0;
	size_t at = HEADER_BYTES;
	int r = parse_header(buf, len, ti, &state_len, &limit);

	for (unsigned i = 0; r == 0 && i < ti->nregions; i++)
		r = parse_region(buf, len, &at, &ti->region[i], i);
	if (r < 0)
		return r;
	if (len - at != state_len)
		return errf(-EINVAL, "mutator image: state_len %u, but %zu bytes follow the regions",
			    state_len, len - at);
	r = state_parse((const char *)buf + at, state_len, &ti->valid);
	if (r < 0)
		return errf(r, "mutator image: its valid state: %s", err_msg());
	ti->valid.paging.limit = limit;
	return check_regions(ti);
}

/* The first line in which two state dumps differ, each cut at its newline, into a and b. */
static void first_line_apart(const char *x, const char *y, char *a, char *b, size_t size)
{
	const char *lx = x, *ly = y;

	for (; *x && *x == *y; x++, y++)
		if (*x == '\n') {
			lx = x + 1;
			ly = y + 1;
		}
	snprintf(a, size, "%.*s", (int)strcspn(lx, "\n"), lx);
	snprintf(b, size, "%.*s", (int)strcspn(ly, "\n"), ly);
}

static int compare_states(const struct entry_state *file, const struct entry_state *mine)
{
	size_t nx = 0, ny = 0;
	char *x = state_text(file, &nx), *y = state_text(mine, &ny), a[96], b[96];
	int r = 0;

	if (!x || !y)
		r = errf(-ENOMEM, "mutator image: no memory to compare its valid state");
	else if (strcmp(x, y)) {
		first_line_apart(x, y, a, b, sizeof(a));
		r = errf(-EINVAL, "mutator image: valid state '%s', here '%s'", a, b);
	}
	free(x);
	free(y);
	return r;
}

static int compare_regions(const struct mutator_image *file, const struct mutator_image *mine)
{
	if (file->nregions != mine->nregions)
		return errf(-EINVAL, "mutator image: %u regions, here %u", file->nregions, mine->nregions);
	for (unsigned i = 0; i < file->nregions; i++) {
		const struct mutator_region *f = &file->region[i], *m = &mine->region[i];
		uint64_t at = 0;

		if (f->gpa != m->gpa || f->len != m->len)
			return errf(-EINVAL, "mutator image: region %u [0x%" PRIx64 ", +0x%" PRIx64
				    "), here [0x%" PRIx64 ", +0x%" PRIx64 ")", i, f->gpa, f->len, m->gpa, m->len);
		while (at < f->len && f->bytes[at] == m->bytes[at])
			at++;
		if (at < f->len)
			return errf(-EINVAL, "mutator image: region %u: byte 0x%" PRIx64 " (at 0x%" PRIx64
				    ") is 0x%02x, here 0x%02x", i, at, f->gpa + at, f->bytes[at], m->bytes[at]);
	}
	return 0;
}

int mutator_image_compare(const struct mutator_image *file, const struct mutator_image *mine)
{
	static const char *const what[] = { "mem_size", "boot info at", "table_bytes", "paging.limit" };
	const uint64_t f[] = { file->mem_size, file->info, file->table_bytes, file->valid.paging.limit };
	const uint64_t m[] = { mine->mem_size, mine->info, mine->table_bytes, mine->valid.paging.limit };

	for (unsigned i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (f[i] != m[i])
			return errf(-EINVAL, "mutator image: %s 0x%" PRIx64 ", here 0x%" PRIx64, what[i],
				    f[i], m[i]);
	if (compare_regions(file, mine) < 0)
		return -EINVAL;
	return compare_states(&file->valid, &mine->valid);
}

int mutator_image_map(const struct mutator_image *ti, struct guest_mem *mem)
{
	void *p = mmap(NULL, ti->mem_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return errf(-ENOMEM, "mutator image: no room for 0x%" PRIx64 " bytes of guest memory",
			    ti->mem_size);
	*mem = (struct guest_mem){ .hva = p, .size = ti->mem_size };
	for (unsigned i = 0; i < ti->nregions; i++) {
		uint8_t *to = gm_ptr(mem, ti->region[i].gpa, ti->region[i].len);

		if (!to) {
			mutator_image_unmap(mem);
			return errf(-EINVAL, "mutator image: region %u [0x%" PRIx64 ", +0x%" PRIx64 ") is not RAM",
				    i, ti->region[i].gpa, ti->region[i].len);
		}
		memcpy(to, ti->region[i].bytes, ti->region[i].len);
	}
	return 0;
}

void mutator_image_unmap(struct guest_mem *mem)
{
	if (mem->hva)
		munmap(mem->hva, mem->size);
	*mem = (struct guest_mem){ 0 };
}
