/* load.c: the boot paths (bzImage 32/64-bit, ELF, PVH; ELF from a file or a bzImage payload): check, then write. */
#include "vmm/load.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader/bootparams.h"
#include "loader/decompress.h"
#include "loader/elf.h"
#include "loader/memmap.h"
#include "loader/payload.h"
#include "loader/pvh.h"
#include "mmu/bits.h"
#include "mmu/err.h"
#include "vmm/layout.h"

#define BZ_64BIT_VERSION 0x020c /* boot.rst: xloadflags (XLF_KERNEL_64) exist from 2.12 */

/* What every path shares: the request, the outputs and the kernel's header. */
struct loading {
	struct guest_mem *gm;
	const struct load_request *req;
	struct entry_state *st;
	struct load_result *res;
	struct entry_options o;
	const struct bzimage *bz; /* NULL for a plain ELF file */
};

static bool has_64bit_entry(const struct bzimage *bz)
{
	return bz->hdr.version >= BZ_64BIT_VERSION &&
	       (bz->hdr.xloadflags & XLF_KERNEL_64);
}

static bool clear_of_kernel_and_initrd(const struct loading *l, gpa_t at, uint64_t len)
{
	const struct kernel_place *k = &l->res->kernel;

	return !ranges_overlap(at, len, k->load, k->end - k->load) &&
	       !ranges_overlap(at, len, l->res->initrd, l->res->initrd_size);
}

/*
 * The lowest home for `bytes` of tables: the low table area when they fit
 * (loader data below 640 KiB, as boot.rst keeps it), else the lowest page
 * above 1 MiB, at the floor or right after the kernel window or the initrd,
 * where they touch neither. The e820 map reserves them (load_write_memmap()).
 */
static int place_tables(const struct loading *l, uint64_t bytes, gpa_t *at)
{
	const struct load_result *res = l->res;
	uint64_t top = gm_low_size(l->gm), best = UINT64_MAX;
	gpa_t cand[] = { LAYOUT_KERNEL_FLOOR, res->kernel.end,
			 res->initrd + res->initrd_size };

	if (bytes <= LAYOUT_PT_END - LAYOUT_PT_BASE) {
		*at = LAYOUT_PT_BASE;
		return 0;
	}
	for (size_t i = 0; i < sizeof(cand) / sizeof(cand[0]); i++) {
		gpa_t c;

		if (align_up(cand[i], PT_PAGE, &c) && c >= LAYOUT_KERNEL_FLOOR && c < top && bytes <= top - c &&
		    clear_of_kernel_and_initrd(l, c, bytes) && c < best)
			best = c;
	}
	if (best == UINT64_MAX)
		return errf(-E2BIG,
			    "pagetable: %s tables for 0x%llx bytes need %llu KiB and no free RAM holds them next to the kernel and initrd: use less --mem or larger pages",
			    paging_mode_name(l->o.paging), (unsigned long long)top,
			    (unsigned long long)(bytes >> 10));
	*at = best;
	return 0;
}

/* Map all low RAM 1:1: the initrd sits at its top, and a 32-bit
 * decompressor with KASLR may pick any e820 RAM for its output. */
static int build_entry(struct loading *l, gpa_t rip, gpa_t info)
{
	struct entry_addrs a = {
		.rip = rip, .info = info, .stack = LAYOUT_STACK_TOP,
		.gdt = LAYOUT_GDT, .map_end = gm_low_size(l->gm),
	};
	struct pt_spec spec;
	uint64_t bytes = 0;
	int r;

	entry_resolve_paging(&l->o);
	spec = (struct pt_spec){ .mode = l->o.paging, .large = l->o.large_pages,
				 .map_end = a.map_end };
	if (!pt_size(&spec, &bytes))
		return errf(-E2BIG, "pagetable: %s paging cannot map 0x%llx bytes",
			    paging_mode_name(spec.mode), (unsigned long long)a.map_end);
	r = place_tables(l, bytes, &a.tables);
	if (r < 0)
		return r;
	a.tables_limit = load_table_room(l->gm, a.tables);
	return entry_build(l->st, &l->o, &a);
}

static void copy_initrd(struct loading *l)
{
	if (l->req->initrd)
		memcpy(gm_ptr(l->gm, l->res->initrd, l->req->initrd_len),
		       l->req->initrd, l->req->initrd_len);
}

static int write_zero_page(struct loading *l, struct bootparams_args *a)
{
	a->zero_page = LAYOUT_ZERO_PAGE;
	a->cmdline = LAYOUT_CMDLINE;
	a->cmdline_max = LAYOUT_CMDLINE_MAX;
	a->cmdline_str = l->req->cmdline;
	a->initrd = l->res->initrd;
	a->initrd_size = l->res->initrd_size;
	a->loadflags_set = l->req->keep_segments ? KEEP_SEGMENTS : 0;
	a->hardware_subarch = l->req->hardware_subarch;
	return bootparams_build(l->gm, a);
}

/* --- bzImage, 32-bit and 64-bit boot protocol ---------------------------- */

static int load_bzimage(struct loading *l)
{
	const struct bzimage *bz = l->bz;
	struct kernel_place *kp = &l->res->kernel;
	struct bootparams_args a = { 0 };
	int r = bzimage_place(bz, l->gm, kp);

	if (r == 0 && l->req->initrd)
		r = bzimage_place_initrd(bz, l->gm, kp, l->req->initrd_len,
					 &l->res->initrd);
	if (r == 0 && l->o.proto == BOOT_LINUX64 && !has_64bit_entry(bz))
		r = errf(-EINVAL,
			 "bzimage: no 64-bit entry point (version 0x%04x, xloadflags 0x%x lacks XLF_KERNEL_64): use --boot=linux32",
			 bz->hdr.version, bz->hdr.xloadflags);
	/* syssize may be less than the file (a signature appended), but the entry must be code
	 * that was copied: else the vCPU would start in zeroed RAM. */
	if (r == 0 && l->o.proto == BOOT_LINUX64 && bz->pm_size <= BOOT_LINUX64_OFFSET)
		r = errf(-EINVAL,
			 "bzimage: syssize 0x%x: the %llu bytes of protected-mode code end before the 64-bit entry at +0x%x",
			 bz->hdr.syssize, (unsigned long long)bz->pm_size, BOOT_LINUX64_OFFSET);
	if (r == 0)
		r = build_entry(l, kp->load + (l->o.proto == BOOT_LINUX64 ?
					       BOOT_LINUX64_OFFSET : 0),
				LAYOUT_ZERO_PAGE);
	if (r < 0)
		return r;
	/* The decompressor writes the kernel where it runs (boot.rst, pref_address), and
	 * startup_32/startup_64 open the image: with KASLR off the kernel starts here. */
	l->res->kernel_entry = kp->runtime_start;
	bootparams_from_bzimage(&a, bz, kp);
	r = write_zero_page(l, &a);
	if (r == 0)
		r = bzimage_load(bz, l->gm, kp);
	if (r == 0)
		copy_initrd(l);
	return r;
}

/* --- ELF vmlinux: e_entry (64-bit, or 32-bit for i386), or the PVH entry -- */

/* `elf` names the file's own entry: an ELF32 (i386) vmlinux's is the 32-bit one, elf32. */
static int settle_elf_class(struct loading *l, const struct elf_kernel *k)
{
	if (k->is32 && l->o.proto == BOOT_ELF)
		l->o.proto = BOOT_ELF32;
	if (!k->is32 && l->o.proto == BOOT_ELF32)
		return errf(-EINVAL, "elf: --boot=elf32 needs a 32-bit (ELFCLASS32) vmlinux; this one is ELFCLASS64: use --boot=elf");
	return 0;
}

static int place_elf(struct loading *l, const struct elf_kernel *k)
{
	/* A plain ELF brings no header: the one vmm writes for it says BOOTPARAMS_SYNTH_INITRD_MAX. */
	uint64_t limit = (uint64_t)(l->bz ? l->bz->hdr.initrd_addr_max : BOOTPARAMS_SYNTH_INITRD_MAX) + 1;
	int r = elf_check_fit(k, l->gm, LAYOUT_KERNEL_FLOOR);

	l->res->kernel = (struct kernel_place){ .load = k->lo, .runtime_start = k->lo,
						.end = k->hi };
	if (r == 0 && l->o.proto == BOOT_PVH && !k->has_pvh)
		r = errf(-EINVAL, "elf: no PVH entry note (Xen note type 18, XEN_ELFNOTE_PHYS32_ENTRY): use --boot=elf");
	if (r == 0 && l->req->initrd)
		r = initrd_place(l->gm, k->hi, limit,
				 "initrd_addr_max + 1",
				 l->req->initrd_len, &l->res->initrd);
	return r;
}

/* PVH has no cmdline_size field: hold the line to the kernel's own limit. */
static int check_pvh_cmdline(const struct loading *l)
{
	uint32_t max = l->bz ? l->bz->hdr.cmdline_size : BOOTPARAMS_SYNTH_CMDLINE_SIZE;
	size_t len = strlen(l->req->cmdline);

	if (len > max)
		return errf(-EINVAL, "cmdline: %zu bytes exceed the kernel's cmdline_size %u",
			    len, max);
	return 0;
}

static int write_pvh(struct loading *l)
{
	struct pvh_args a = {
		.start_info = LAYOUT_PVH_START_INFO, .modlist = LAYOUT_PVH_MODLIST,
		.memmap = LAYOUT_PVH_MEMMAP, .cmdline = LAYOUT_CMDLINE,
		.cmdline_max = LAYOUT_CMDLINE_MAX, .cmdline_str = l->req->cmdline,
		.initrd = l->res->initrd, .initrd_size = l->res->initrd_size,
	};

	return pvh_build(l->gm, &a);
}

static int write_elf_boot_info(struct loading *l, const struct elf_kernel *k)
{
	uint8_t synth[BOOTPARAMS_SYNTH_LEN];
	struct bootparams_args a = { 0 };

	if (l->o.proto == BOOT_PVH)
		return check_pvh_cmdline(l) < 0 ? -EINVAL : write_pvh(l);
	if (l->bz)
		bootparams_from_bzimage(&a, l->bz, &l->res->kernel);
	else
		bootparams_synth_header(&a, synth, k->lo);
	return write_zero_page(l, &a);
}

static int load_elf(struct loading *l, const uint8_t *img, size_t len)
{
	struct elf_kernel k;
	bool pvh = l->o.proto == BOOT_PVH;
	int r = elf_parse(img, len, &k);

	if (r == 0)
		r = settle_elf_class(l, &k);
	if (r == 0)
		r = place_elf(l, &k);
	l->res->kernel_entry = k.entry;
	if (r == 0)
		r = build_entry(l, pvh ? k.pvh_entry : k.entry,
				pvh ? LAYOUT_PVH_START_INFO : LAYOUT_ZERO_PAGE);
	if (r == 0)
		r = write_elf_boot_info(l, &k);
	if (r == 0)
		r = elf_load(&k, l->gm);
	if (r == 0)
		copy_initrd(l);
	return r;
}

/* The stored copy of the payload `p` (plen bytes), if the store has one that
 * fits in RAM; 1 for a miss. */
static int load_stored_payload(struct loading *l, const struct payload_store *ps,
			       const uint8_t *p, size_t plen)
{
	const uint8_t *elf;
	size_t len;
	int r;

	if (ps->get(ps, p, plen, &elf, &len) < 0)
		return 1;
	if (len > l->gm->size) {
		/* A miss: decompression refuses it with the same error as without a cache. */
		ps->release(ps);
		return 1;
	}
	l->res->payload = PAYLOAD_CACHED;
	r = load_elf(l, elf, len);
	ps->release(ps);
	return r;
}

/* The payload's vmlinux, decompressed on the host, can be no larger than RAM. */
static int load_payload(struct loading *l)
{
	const struct payload_store *ps = l->req->payloads;
	const uint8_t *p = NULL;
	uint8_t *elf = NULL;
	size_t plen = 0, len = 0;
	uint64_t limit;
	int r = 1;

	/* No payload to key the store by: payload_extract() names the bad field. */
	if (payload_locate(l->bz, &p, &plen) < 0)
		ps = NULL;
	if (ps)
		r = load_stored_payload(l, ps, p, plen);
	if (r <= 0)
		return r;
	l->res->payload = PAYLOAD_DECOMPRESSED;
	/* The smaller of guest RAM and the 1 GiB no payload claims (a 250 KB file declaring 3.5
	 * GiB of zeros made a 4 GiB guest's vmm decompress all of it before refusing it). */
	limit = l->gm->size < PAYLOAD_EXTRACT_MAX ? l->gm->size : PAYLOAD_EXTRACT_MAX;
	r = payload_extract(l->bz, limit, &elf, &len);
	if (r == -E2BIG && limit == l->gm->size) /* RAM is the limit: say so, and the least needed */
		return errf(r, "%s: the kernel's vmlinux is larger than guest RAM (%llu MiB): use --mem %lluM or more",
			    err_msg(), (unsigned long long)(l->gm->size >> 20),
			    (unsigned long long)((decompress_declared_size(p, plen) + MiB(1) - 1) >> 20));
	if (r == 0)
		r = load_elf(l, elf, len);
	if (r == 0 && ps)
		l->res->payload_store_error = ps->put(ps, p, plen, elf, len);
	free(elf);
	return r;
}

/* --- choosing the path --------------------------------------------------- */

static bool is_elf(const struct load_request *req)
{
	return req->kernel_len >= SELFMAG && !memcmp(req->kernel, ELFMAG, SELFMAG);
}

/* auto: the 64-bit entry (no mode switch in the guest) when the image has
 * one and paging allows it; bzImages keep their own decompressor. An ELF32
 * (i386) vmlinux has only 32-bit entries: its own (elf32), whatever the paging. */
static void resolve_proto(struct loading *l, bool elf_file)
{
	bool want64 = l->o.paging_auto || l->o.paging == PAGING_LONG;

	if (!l->o.proto_auto)
		return;
	if (elf_file && elf_is_class32(l->req->kernel, l->req->kernel_len))
		l->o.proto = BOOT_ELF32;
	else if (elf_file)
		l->o.proto = want64 ? BOOT_ELF : BOOT_PVH;
	else
		l->o.proto = want64 && has_64bit_entry(l->bz) ? BOOT_LINUX64 : BOOT_LINUX32;
	l->o.proto_auto = false;
}

static int load_elf_file(struct loading *l)
{
	resolve_proto(l, true);
	if (l->o.proto == BOOT_LINUX32 || l->o.proto == BOOT_LINUX64)
		return errf(-EINVAL, "kernel: --boot=%s needs a bzImage, this is an ELF file: use --boot=elf or --boot=pvh",
			    boot_proto_name(l->o.proto));
	return load_elf(l, l->req->kernel, l->req->kernel_len);
}

int load_linux(struct guest_mem *gm, const struct load_request *req,
	       struct entry_state *st, struct load_result *res)
{
	struct loading l = { .gm = gm, .req = req, .st = st, .res = res, .o = req->entry };
	struct bzimage bz;
	int r;

	memset(res, 0, sizeof(*res));
	res->initrd_size = req->initrd ? req->initrd_len : 0;
	res->cmdline_len = strlen(req->cmdline) + 1;
	if (is_elf(req))
		return load_elf_file(&l);
	r = bzimage_parse(req->kernel, req->kernel_len, &bz);
	if (r < 0)
		return r;
	l.bz = &bz;
	res->protocol = bz.hdr.version;
	resolve_proto(&l, false);
	if (boot_proto_loads_elf(l.o.proto))
		return load_payload(&l);
	return load_bzimage(&l);
}

unsigned load_regions(const struct load_result *res, const struct entry_state *st,
		      struct region out[LOAD_MAX_REGIONS])
{
	const struct kernel_place *k = &res->kernel;
	uint64_t rsp = st->cpu.rsp, stack = rsp >= 16 ? 16 : rsp;
	bool pvh = st->proto == BOOT_PVH;
	unsigned n = 0;

	out[n++] = (struct region){ "kernel", k->load, k->end - k->load };
	out[n++] = pvh ? (struct region){ "start-info", LAYOUT_PVH_START_INFO, sizeof(struct hvm_start_info) }
		       : (struct region){ "zero-page", LAYOUT_ZERO_PAGE, 4096 };
	out[n++] = (struct region){ "cmdline", LAYOUT_CMDLINE, res->cmdline_len };
	out[n++] = (struct region){ "initrd", res->initrd, res->initrd_size };
	out[n++] = (struct region){ "gdt", st->cpu.gdt.base,
				    (uint64_t)st->cpu.gdt.limit + 1 };
	out[n++] = (struct region){ "stack", rsp - stack, stack };
	if (st->proto == BOOT_LINUX32 || st->proto == BOOT_LINUX64)
		out[n++] = (struct region){ "trampoline", LAYOUT_TRAMPOLINE,
					    LAYOUT_TRAMPOLINE_END - LAYOUT_TRAMPOLINE };
	return n;
}

uint64_t load_table_room(const struct guest_mem *gm, gpa_t base)
{
	uint64_t top = gm_low_size(gm);

	return base < top ? top - base : 0;
}

int load_write_memmap(struct guest_mem *gm, const struct entry_state *st,
		      uint64_t table_bytes)
{
	struct memmap_entry map[MEMMAP_MAX];
	int n = (int)memmap_build(gm, map), r;

	/* Tables outside one RAM range stay unreserved: validation names them. */
	if (table_bytes && (r = memmap_reserve(map, (unsigned)n, st->paging.base, table_bytes)) > 0)
		n = r;
	if (st->proto == BOOT_PVH)
		return pvh_set_memmap(gm, LAYOUT_PVH_START_INFO, LAYOUT_PVH_MEMMAP, map, (unsigned)n);
	return bootparams_set_memmap(gm, LAYOUT_ZERO_PAGE, map, (unsigned)n);
}
