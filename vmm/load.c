/* load.c: the bzImage boot paths: checks everything first, then writes RAM; builds the default entry state. */
#include "vmm/load.h"

#include <errno.h>
#include <string.h>

#include "loader/bootparams.h"
#include "mmu/err.h"
#include "vmm/layout.h"

#define BZ_64BIT_VERSION 0x020c /* boot.rst: xloadflags (XLF_KERNEL_64) exist from 2.12 */

static int plan(struct guest_mem *gm, const struct load_request *req,
		struct bzimage *bz, struct load_result *res)
{
	int r = bzimage_parse(req->kernel, req->kernel_len, bz);

	if (r == 0)
		r = bzimage_place(bz, gm, &res->kernel);
	if (r == 0 && req->initrd)
		r = bzimage_place_initrd(bz, gm, &res->kernel, req->initrd_len,
					 &res->initrd);
	res->protocol = bz->hdr.version;
	res->initrd_size = req->initrd ? req->initrd_len : 0;
	res->cmdline_len = strlen(req->cmdline) + 1;
	return r;
}

static bool has_64bit_entry(const struct bzimage *bz)
{
	return bz->hdr.version >= BZ_64BIT_VERSION &&
	       (bz->hdr.xloadflags & XLF_KERNEL_64);
}

static int check_proto(const struct bzimage *bz, struct entry_options *o)
{
	entry_resolve(o, has_64bit_entry(bz));
	if (o->proto == BOOT_LINUX64 && !has_64bit_entry(bz))
		return errf(-EINVAL,
			    "bzimage: no 64-bit entry point (version 0x%04x, xloadflags 0x%x lacks XLF_KERNEL_64): use --boot=linux32",
			    bz->hdr.version, bz->hdr.xloadflags);
	return 0;
}

static int write_all(struct guest_mem *gm, const struct load_request *req,
		     const struct bzimage *bz, const struct load_result *res)
{
	struct bootparams_args a = {
		.zero_page = LAYOUT_ZERO_PAGE,
		.cmdline = LAYOUT_CMDLINE,
		.cmdline_max = LAYOUT_CMDLINE_MAX,
		.cmdline_str = req->cmdline,
		.initrd = res->initrd,
		.initrd_size = res->initrd_size,
		.loadflags_set = req->keep_segments ? KEEP_SEGMENTS : 0,
		.hardware_subarch = req->hardware_subarch,
	};
	int r = bootparams_build(gm, bz, &res->kernel, &a);

	if (r == 0)
		r = bzimage_load(bz, gm, &res->kernel);
	if (r == 0 && req->initrd)
		memcpy(gm_ptr(gm, res->initrd, req->initrd_len), req->initrd,
		       req->initrd_len);
	return r;
}

int load_linux(struct guest_mem *gm, const struct load_request *req,
	       struct entry_state *st, struct load_result *res)
{
	struct entry_options o = req->entry;
	struct bzimage bz;
	int r;

	memset(res, 0, sizeof(*res));
	r = plan(gm, req, &bz, res);
	if (r == 0)
		r = check_proto(&bz, &o);
	/* Map all low RAM 1:1: the initrd sits at its top, and a 32-bit
	 * decompressor with KASLR may pick any e820 RAM for its output. */
	if (r == 0)
		r = entry_build(st, &o, res->kernel.load, LAYOUT_ZERO_PAGE,
				LAYOUT_STACK_TOP, LAYOUT_GDT, LAYOUT_PT_BASE,
				load_table_room(LAYOUT_PT_BASE), gm_low_size(gm));
	if (r == 0)
		r = write_all(gm, req, &bz, res);
	return r;
}

unsigned load_regions(const struct load_result *res, const struct entry_state *st,
		      struct region out[LOAD_MAX_REGIONS])
{
	const struct kernel_place *k = &res->kernel;
	uint64_t rsp = st->cpu.rsp, stack = rsp >= 16 ? 16 : rsp;
	unsigned n = 0;

	out[n++] = (struct region){ "kernel", k->load, k->end - k->load };
	out[n++] = (struct region){ "zero-page", LAYOUT_ZERO_PAGE, 4096 };
	out[n++] = (struct region){ "cmdline", LAYOUT_CMDLINE, res->cmdline_len };
	out[n++] = (struct region){ "initrd", res->initrd, res->initrd_size };
	out[n++] = (struct region){ "gdt", st->cpu.gdt.base,
				    (uint64_t)st->cpu.gdt.limit + 1 };
	out[n++] = (struct region){ "stack", rsp - stack, stack };
	return n;
}

uint64_t load_table_room(gpa_t base)
{
	return base >= LAYOUT_PT_BASE && base < LAYOUT_PT_END ? LAYOUT_PT_END - base : 0;
}
