/* bootparams.c: zero page construction: header copy, loader fields, command line, e820. */
#include "loader/bootparams.h"

#include <errno.h>
#include <string.h>

#include "loader/memmap.h"
#include "mmu/err.h"

static int write_cmdline(struct guest_mem *gm, const struct bootparams_args *a)
{
	size_t len = strlen(a->cmdline_str);
	char *dst;

	/* boot.rst: cmdline_size is the maximum length without the NUL. */
	if (len > a->cmdline_size)
		return errf(-EINVAL,
			    "cmdline: %zu bytes exceed the kernel's cmdline_size %u",
			    len, a->cmdline_size);
	if (len + 1 > a->cmdline_max)
		return errf(-EINVAL,
			    "cmdline: %zu bytes exceed the VMM's %llu-byte command-line area",
			    len, (unsigned long long)a->cmdline_max - 1);
	dst = gm_ptr(gm, a->cmdline, len + 1);
	if (!dst)
		return errf(-E2BIG, "cmdline: 0x%llx is not RAM",
			    (unsigned long long)a->cmdline);
	memcpy(dst, a->cmdline_str, len + 1);
	return 0;
}

static void fill_e820(struct boot_params *bp, const struct memmap_entry *map,
		      unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		bp->e820_table[i].addr = map[i].addr;
		bp->e820_table[i].size = map[i].size;
		bp->e820_table[i].type = map[i].type;
	}
	bp->e820_entries = (uint8_t)n;
}

int bootparams_set_memmap(struct guest_mem *gm, gpa_t zero_page,
			  const struct memmap_entry *map, unsigned n)
{
	struct boot_params *bp = gm_ptr(gm, zero_page, sizeof(*bp));

	if (!bp)
		return errf(-E2BIG, "bootparams: zero page 0x%llx is not RAM",
			    (unsigned long long)zero_page);
	if (n > MEMMAP_MAX)
		return errf(-EINVAL, "bootparams: %u e820 entries, at most %u", n, MEMMAP_MAX);
	fill_e820(bp, map, n);
	return 0;
}

int bootparams_set_rsdp(struct guest_mem *gm, gpa_t zero_page, gpa_t rsdp)
{
	struct boot_params *bp = gm_ptr(gm, zero_page, sizeof(*bp));

	if (!bp)
		return errf(-E2BIG, "bootparams: zero page 0x%llx is not RAM",
			    (unsigned long long)zero_page);
	bp->acpi_rsdp_addr = rsdp;
	return 0;
}

static void fill_header(struct setup_header *h, const struct bootparams_args *a)
{
	h->type_of_loader = BZ_LOADER_UNDEFINED;
	h->code32_start = (uint32_t)a->code32_start; /* boot.rst: "reloc" field */
	h->cmd_line_ptr = (uint32_t)a->cmdline;
	h->ramdisk_image = (uint32_t)a->initrd;
	h->ramdisk_size = (uint32_t)a->initrd_size;
	h->loadflags |= a->loadflags_set;
	h->hardware_subarch = a->hardware_subarch; /* 0 = normal x86 PC */
	h->hardware_subarch_data = 0;
	h->setup_data = 0;
}

int bootparams_build(struct guest_mem *gm, const struct bootparams_args *a)
{
	struct boot_params *bp = gm_ptr(gm, a->zero_page, sizeof(*bp));
	struct memmap_entry map[MEMMAP_MAX];
	unsigned n = memmap_build(gm, map);
	int r;

	if (a->setup_header_len > BZ_HDR_LIMIT - BZ_HDR_OFFSET ||
	    a->setup_header_len < sizeof(struct setup_header) - 8)
		return errf(-EINVAL, "bootparams: setup header of %zu bytes does not fit",
			    a->setup_header_len);
	if (!bp)
		return errf(-E2BIG, "bootparams: zero page 0x%llx is not RAM",
			    (unsigned long long)a->zero_page);
	if (a->cmdline >> 32 || a->initrd >> 32 || a->initrd_size >> 32)
		return errf(-EINVAL,
			    "bootparams: cmdline/initrd must lie below 4 GiB for the 32-bit fields");
	r = write_cmdline(gm, a);
	if (r < 0)
		return r;
	memset(bp, 0, sizeof(*bp));
	/* Copy from 0x1f1, not 0x1ef: a non-zero sentinel makes the kernel
	 * wipe most of boot_params (bootparam_utils.h). */
	memcpy((uint8_t *)bp + BZ_HDR_OFFSET, a->setup_header, a->setup_header_len);
	fill_header(&bp->hdr, a);
	fill_e820(bp, map, n);
	return 0;
}

void bootparams_from_bzimage(struct bootparams_args *a, const struct bzimage *bz,
			     const struct kernel_place *kp)
{
	a->setup_header = bz->img + BZ_HDR_OFFSET;
	a->setup_header_len = bz->hdr_end - BZ_HDR_OFFSET;
	a->cmdline_size = bz->hdr.cmdline_size;
	a->code32_start = kp->load;
}

void bootparams_synth_header(struct bootparams_args *a,
			     uint8_t buf[BOOTPARAMS_SYNTH_LEN], gpa_t load)
{
	struct setup_header h = {
		.boot_flag = BZ_BOOT_FLAG,
		.jump = 0x6aeb, /* header ends at 0x26c, protocol 2.15's size */
		.header = BZ_HDRS_MAGIC,
		.version = 0x020f,
		.loadflags = LOADED_HIGH,
		.kernel_alignment = 0x200000, /* CONFIG_PHYSICAL_ALIGN default */
		.cmdline_size = BOOTPARAMS_SYNTH_CMDLINE_SIZE, /* COMMAND_LINE_SIZE 2048 - NUL */
		.initrd_addr_max = BOOTPARAMS_SYNTH_INITRD_MAX,
	};

	_Static_assert(sizeof(h) == BOOTPARAMS_SYNTH_LEN, "protocol 2.15 header");
	memcpy(buf, &h, sizeof(h));
	a->setup_header = buf;
	a->setup_header_len = sizeof(h);
	a->cmdline_size = h.cmdline_size;
	a->code32_start = load;
}
