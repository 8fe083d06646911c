/* fuzz_bzimage.c: libFuzzer target: a bzImage (or ELF) kernel through the loader and load_linux(), as vmm prepares a VM. */
#include <string.h>

#include "loader/bootparams.h"
#include "loader/bzimage.h"
#include "loader/payload.h"
#include "mmu/bits.h"
#include "tests/fuzz/fuzz_util.h"
#include "vmm/layout.h"
#include "vmm/load.h"
#include "vmm/validate.h"

/*
 * Input: one option byte, then the kernel image. 64 MiB of RAM holds a
 * kernel at the usual pref_address (16 MiB) and keeps payload_extract()'s
 * limit (the RAM size) far below libFuzzer's 2 GiB malloc limit.
 */
#define RAM_SIZE MiB(64)
#define INITRD_LEN 4096
/* x86 COMMAND_LINE_SIZE - 1 (2048 - 1): the cmdline_size of most kernels. */
#define LONG_CMDLINE 2047

struct options {
	struct entry_options entry;
	bool initrd, keep_segments;
	const char *cmdline;
};

static const uint8_t initrd[INITRD_LEN];
static char long_cmdline[LONG_CMDLINE + 1];

/*
 * Option byte: bits 0-2 the entry (0-3 auto, then linux32, linux64, elf,
 * pvh), bits 3-5 the paging (auto, off, nonpae, pae, long; 5-7 auto),
 * bit 6 --large-pages, bit 7 an initrd, --keep-segments and a command line
 * of exactly LONG_CMDLINE bytes (vmm's default line otherwise).
 */
static struct options decode_options(uint8_t b)
{
	static const enum boot_proto protos[] = { BOOT_LINUX32, BOOT_LINUX64, BOOT_ELF, BOOT_PVH };
	struct options o = { .cmdline = "console=ttyS0 reboot=k panic=-1" };
	unsigned proto = b & 7, paging = (b >> 3) & 7;

	o.entry.proto_auto = proto < 4;
	o.entry.proto = protos[proto & 3];
	o.entry.paging_auto = paging == 0 || paging > 4;
	o.entry.paging = o.entry.paging_auto ? PAGING_OFF : (enum paging_mode)(paging - 1);
	o.entry.large_pages = b & 0x40;
	if (b & 0x80) {
		o.initrd = o.keep_segments = true;
		o.cmdline = long_cmdline;
	}
	return o;
}

/* The pieces one by one: parse, place, zero page, initrd, copy. */
static void load_direct(struct guest_mem *gm, const uint8_t *img, size_t len,
			const struct options *o)
{
	struct bzimage bz;
	struct kernel_place kp;
	struct bootparams_args a = { 0 };
	const uint8_t *payload;
	size_t payload_len;

	if (bzimage_parse(img, len, &bz) < 0 || bzimage_place(&bz, gm, &kp) < 0)
		return;
	if (payload_locate(&bz, &payload, &payload_len) == 0 &&
	    (payload < img || payload_len > len || payload - img > (ptrdiff_t)(len - payload_len)))
		fuzz_fail("payload_locate: payload outside the image");
	bootparams_from_bzimage(&a, &bz, &kp);
	a.zero_page = LAYOUT_ZERO_PAGE;
	a.cmdline = LAYOUT_CMDLINE;
	a.cmdline_max = LAYOUT_CMDLINE_MAX;
	a.cmdline_str = o->cmdline;
	if (o->initrd && bzimage_place_initrd(&bz, gm, &kp, INITRD_LEN, &a.initrd) == 0)
		a.initrd_size = INITRD_LEN;
	if (bootparams_build(gm, &a) == 0)
		(void)bzimage_load(&bz, gm, &kp);
}

static void ignore_violation(void *ctx, const char *name, const char *detail)
{
	(void)ctx;
	(void)name;
	(void)detail;
}

/* What machine_prepare() does without KVM: load, tables and GDT, e820, validation. */
static void load_full(struct guest_mem *gm, const uint8_t *img, size_t len,
		      const struct options *o)
{
	static struct entry_state st; /* 23 KiB of GDT: not on the stack */
	struct load_request req = {
		.kernel = img, .kernel_len = len, .cmdline = o->cmdline,
		.initrd = o->initrd ? initrd : NULL, .initrd_len = o->initrd ? INITRD_LEN : 0,
		.entry = o->entry, .keep_segments = o->keep_segments,
		.payloads = NULL, /* decompress every time: no store on disk */
	};
	struct region regions[LOAD_MAX_REGIONS];
	struct load_result res;
	struct pt_result pt;

	if (load_linux(gm, &req, &st, &res) < 0)
		return;
	st.paging.limit = load_table_room(gm, st.paging.base);
	if (entry_write(gm, &st, LAYOUT_GDT, LAYOUT_GDT_END, &pt) < 0 ||
	    load_write_memmap(gm, &st, pt.bytes) < 0)
		return;
	(void)entry_validate(gm, &st, regions, load_regions(&res, &st, regions),
			     ignore_violation, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct guest_mem gm = fuzz_ram(RAM_SIZE);
	struct options o;

	if (size < 1)
		return 0;
	if (!long_cmdline[0])
		memset(long_cmdline, 'x', LONG_CMDLINE);
	o = decode_options(data[0]);
	load_direct(&gm, data + 1, size - 1, &o);
	fuzz_ram_reset();
	load_full(&gm, data + 1, size - 1, &o);
	fuzz_ram_reset();
	return 0;
}
