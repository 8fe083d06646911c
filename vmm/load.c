/* load.c: the 32-bit boot path: checks everything first, then writes RAM and builds the CPU state. */
#include "vmm/load.h"

#include <string.h>

#include "loader/bootparams.h"
#include "vmm/layout.h"

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
	return r;
}

static int write_all(struct guest_mem *gm, const struct load_request *req,
		     const struct bzimage *bz, const struct load_result *res,
		     const uint64_t *gdt)
{
	struct bootparams_args a = {
		.zero_page = LAYOUT_ZERO_PAGE,
		.cmdline = LAYOUT_CMDLINE,
		.cmdline_max = LAYOUT_CMDLINE_MAX,
		.cmdline_str = req->cmdline,
		.initrd = res->initrd,
		.initrd_size = req->initrd ? req->initrd_len : 0,
	};
	int r = bootparams_build(gm, bz, &res->kernel, &a);

	if (r == 0)
		r = bzimage_load(bz, gm, &res->kernel);
	if (r == 0)
		r = boot_gdt_write(gm, LAYOUT_GDT, gdt, GDT_BOOT_ENTRIES);
	if (r == 0 && req->initrd)
		memcpy(gm_ptr(gm, res->initrd, req->initrd_len), req->initrd,
		       req->initrd_len);
	return r;
}

int load_linux32(struct guest_mem *gm, const struct load_request *req,
		 struct boot_cpu *cpu, struct load_result *res)
{
	uint64_t gdt[GDT_BOOT_ENTRIES];
	struct bzimage bz;
	int r;

	memset(res, 0, sizeof(*res));
	gdt_boot_table(gdt);
	r = plan(gm, req, &bz, res);
	if (r == 0)
		r = boot_cpu_linux32(cpu, gdt, GDT_BOOT_ENTRIES, LAYOUT_GDT,
				     res->kernel.load, LAYOUT_ZERO_PAGE);
	if (r == 0)
		r = write_all(gm, req, &bz, res, gdt);
	return r;
}
