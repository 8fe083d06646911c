/* test_load.c: the whole bzImage load: every region lands where the state says, bad input writes nothing. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader/bootparams.h"
#include "loader/memmap.h"
#include "mmu/bits.h"
#include "mmu/err.h"
#include "tests/unit/fixtures.h"
#include "vmm/layout.h"
#include "vmm/load.h"

static uint8_t *img;
static struct guest_mem gm;
static uint8_t initrd[5000];
static struct entry_state st;
static struct load_result res;

static void setup(void)
{
	img = fixture_bzimage();
	gm = fixture_ram(MiB(64));
	memset(initrd, 0x5a, sizeof(initrd));
}

static void teardown(void)
{
	free(img);
	fixture_ram_free(&gm);
}

TestSuite(load, .init = setup, .fini = teardown);

static struct load_request request(const char *cmdline)
{
	return (struct load_request){ .kernel = img, .kernel_len = FIX_IMAGE_LEN,
				      .initrd = initrd, .initrd_len = sizeof(initrd),
				      .cmdline = cmdline,
				      .entry = { .proto = BOOT_LINUX32 } };
}

Test(load, everything_in_place)
{
	struct load_request req = request("console=ttyS0");
	struct boot_params *bp = (void *)(gm.hva + LAYOUT_ZERO_PAGE);

	cr_assert_eq(load_linux(&gm, &req, &st, &res), 0, "%s", err_msg());
	cr_assert_eq(st.cpu.rip, FIX_PREF_ADDRESS);
	cr_assert_eq(st.cpu.rsi, LAYOUT_ZERO_PAGE);
	cr_assert_eq(memcmp(gm.hva + FIX_PREF_ADDRESS, img + FIX_PM_OFFSET, FIX_PM_SIZE), 0);
	cr_assert_eq(bp->hdr.ramdisk_image, res.initrd);
	cr_assert_eq(bp->hdr.ramdisk_size, sizeof(initrd));
	cr_assert_eq(memcmp(gm.hva + res.initrd, initrd, sizeof(initrd)), 0);
	cr_assert_eq(res.initrd % 4096, 0);
	cr_assert_geq(res.initrd, FIX_PREF_ADDRESS + FIX_INIT_SIZE);
	cr_assert_str_eq((char *)gm.hva + bp->hdr.cmd_line_ptr, "console=ttyS0");
	cr_assert_eq(res.cmdline_len, 14);
	cr_assert_eq(st.cpu.gdt.base, LAYOUT_GDT);
	cr_assert_eq(res.protocol, 0x020f);
	cr_assert_eq(st.paging.map_end, MiB(64), "all low RAM is mapped");
}

Test(load, auto_picks_64bit_entry_with_long_paging)
{
	struct load_request req = request("");

	req.entry = (struct entry_options){ .proto_auto = true, .paging_auto = true };
	cr_assert_eq(load_linux(&gm, &req, &st, &res), 0, "%s", err_msg());
	cr_assert_eq(st.proto, BOOT_LINUX64);
	cr_assert_eq(st.paging.mode, PAGING_LONG);
	cr_assert_eq(st.cpu.rip, FIX_PREF_ADDRESS + 0x200);
}

Test(load, auto_without_xlf_kernel_64_is_32bit)
{
	struct load_request req = request("");

	fixture_hdr(img)->xloadflags = 0;
	req.entry = (struct entry_options){ .proto_auto = true, .paging_auto = true };
	cr_assert_eq(load_linux(&gm, &req, &st, &res), 0, "%s", err_msg());
	cr_assert_eq(st.proto, BOOT_LINUX32);
	cr_assert_eq(st.paging.mode, PAGING_OFF);
}

Test(load, rejects_64bit_entry_the_kernel_lacks)
{
	struct load_request req = request("");

	fixture_hdr(img)->xloadflags = 0;
	req.entry.proto = BOOT_LINUX64;
	cr_assert_eq(load_linux(&gm, &req, &st, &res), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "XLF_KERNEL_64"), "%s", err_msg());
}

/* syssize below the 64-bit entry's offset: only that much code is copied, so the entry would
 * be zeroed RAM (before: accepted, rip load + 0x200). linux32 enters at +0 and still loads. */
Test(load, rejects_64bit_entry_past_the_copied_code)
{
	struct load_request req = request("");

	fixture_hdr(img)->syssize = 1;
	req.entry.proto = BOOT_LINUX64;
	cr_assert_eq(load_linux(&gm, &req, &st, &res), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "end before the 64-bit entry at +0x200"), "%s", err_msg());
	req.entry.proto = BOOT_LINUX32;
	cr_assert_eq(load_linux(&gm, &req, &st, &res), 0, "%s", err_msg());
}

Test(load, keep_segments_and_subarch_reach_the_zero_page)
{
	struct load_request req = request("");
	struct boot_params *bp = (void *)(gm.hva + LAYOUT_ZERO_PAGE);

	req.keep_segments = true;
	req.hardware_subarch = 3;
	cr_assert_eq(load_linux(&gm, &req, &st, &res), 0, "%s", err_msg());
	cr_assert_eq(bp->hdr.loadflags & KEEP_SEGMENTS, KEEP_SEGMENTS);
	cr_assert_eq(bp->hdr.hardware_subarch, 3);
}

static bool ram_is_zero(void)
{
	for (uint64_t i = 0; i < gm.size; i += 512)
		if (gm.hva[i] != 0)
			return false;
	return true;
}

Test(load, initrd_too_big_writes_nothing)
{
	struct load_request req = request("");

	req.initrd_len = MiB(40); /* only the length matters before the check */
	cr_assert_eq(load_linux(&gm, &req, &st, &res), -E2BIG);
	cr_assert(ram_is_zero());
}

Test(load, bad_kernel_writes_nothing)
{
	struct load_request req = request("");

	fixture_hdr(img)->header = 0;
	cr_assert_eq(load_linux(&gm, &req, &st, &res), -EINVAL);
	cr_assert(ram_is_zero());
}

Test(load, cmdline_too_long_writes_nothing)
{
	char *s = calloc(1, 0x900);
	struct load_request req;

	memset(s, 'x', 0x8ff);
	req = request(s);
	cr_assert_eq(load_linux(&gm, &req, &st, &res), -EINVAL);
	cr_assert(ram_is_zero());
	free(s);
}

Test(load, regions_for_validation)
{
	struct load_request req = request("ab");
	struct region r[LOAD_MAX_REGIONS];

	cr_assert_eq(load_linux(&gm, &req, &st, &res), 0);
	cr_assert_eq(load_regions(&res, &st, r), 7);
	cr_assert_str_eq(r[0].name, "kernel");
	cr_assert_eq(r[0].start, FIX_PREF_ADDRESS);
	cr_assert_eq(r[0].len, FIX_INIT_SIZE);
	cr_assert_eq(r[2].len, 3, "cmdline with NUL");
	cr_assert_eq(r[3].start, res.initrd);
	cr_assert_eq(r[4].len, 0x28, "gdt");
	cr_assert_eq(r[5].start + r[5].len, LAYOUT_STACK_TOP);
	cr_assert_str_eq(r[6].name, "trampoline");
	cr_assert_eq(load_table_room(&gm, LAYOUT_PT_BASE), MiB(64) - LAYOUT_PT_BASE);
	cr_assert_eq(load_table_room(&gm, MiB(64)), 0);
}

/* --- where the page tables go, for every mode and RAM size --------------- */

static struct load_result big_res;
static struct entry_state big_st;

static void record_violation(void *ctx, const char *name, const char *detail)
{
	(void)detail;
	cr_log_error("violation %s: %s", name, detail);
	(*(unsigned *)ctx)++;
}

/* Load the fixture with `mode` paging into `size` bytes of RAM, as vmm does
 * (load, write GDT + tables, rewrite the memory map), and check the result:
 * tables at `want_base`, reserved in e820, all low RAM mapped 1:1, clean. */
static void check_tables(uint64_t size, enum paging_mode mode, bool large, gpa_t want_base)
{
	struct guest_mem big = fixture_ram(size);
	struct load_request req = request("console=ttyS0");
	struct boot_params *bp = (void *)(big.hva + LAYOUT_ZERO_PAGE);
	struct region regions[LOAD_MAX_REGIONS];
	struct pt_result pt;
	uint64_t low = gm_low_size(&big), probes[] = { 0, LAYOUT_ZERO_PAGE, MiB(1), MiB(16),
						       low / 2, low - 1 };
	unsigned bad = 0, reserved = 0;

	cr_assert_not_null(big.hva);
	req.entry = (struct entry_options){ .proto = BOOT_LINUX32, .paging = mode,
					    .large_pages = large };
	if (mode == PAGING_LONG)
		req.entry.proto = BOOT_LINUX64;
	cr_assert_eq(load_linux(&big, &req, &big_st, &big_res), 0, "%s", err_msg());
	cr_assert_eq(big_st.paging.base, want_base, "tables at 0x%llx",
		     (unsigned long long)big_st.paging.base);
	big_st.paging.limit = load_table_room(&big, big_st.paging.base);
	cr_assert_eq(entry_write(&big, &big_st, LAYOUT_GDT, LAYOUT_GDT_END, &pt), 0, "%s", err_msg());
	cr_assert_eq(load_write_memmap(&big, &big_st, pt.bytes), 0, "%s", err_msg());
	for (unsigned i = 0; i < bp->e820_entries; i++)
		if (bp->e820_table[i].type == MEMMAP_RESERVED &&
		    bp->e820_table[i].addr == want_base && bp->e820_table[i].size == pt.bytes)
			reserved++;
	cr_assert_eq(reserved, 1, "the tables are reserved in e820");
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		struct pt_walk w;

		cr_assert_eq(pt_translate(&big, mode, large, pt.cr3, probes[i], &w), 0,
			     "0x%llx mapped", (unsigned long long)probes[i]);
		cr_assert_eq(w.pa, probes[i]);
		cr_assert(w.writable);
	}
	entry_validate(&big, &big_st, regions, load_regions(&big_res, &big_st, regions),
		       record_violation, &bad);
	cr_assert_eq(bad, 0);
	fixture_ram_free(&big);
}

Test(load, nonpae_4k_tables_beyond_the_low_area_go_to_1mib)
{
	check_tables(MiB(432), PAGING_NONPAE, false, LAYOUT_PT_BASE); /* 436 KiB: still fit */
	check_tables(MiB(512), PAGING_NONPAE, false, MiB(1));
	check_tables(GiB(1), PAGING_NONPAE, false, MiB(1));
	check_tables(GiB(3), PAGING_NONPAE, false, MiB(1));
}

Test(load, large_page_tables_stay_in_the_low_area)
{
	uint64_t sizes[] = { MiB(512), GiB(1), GiB(3) };

	for (size_t i = 0; i < 3; i++) {
		check_tables(sizes[i], PAGING_NONPAE, true, LAYOUT_PT_BASE);
		check_tables(sizes[i], PAGING_PAE, false, LAYOUT_PT_BASE);
		check_tables(sizes[i], PAGING_LONG, false, LAYOUT_PT_BASE);
	}
	check_tables(GiB(8), PAGING_LONG, false, LAYOUT_PT_BASE);
}

Test(load, tables_skip_a_kernel_loaded_at_1mib)
{
	struct guest_mem big = fixture_ram(MiB(512));
	struct load_request req = request("");

	fixture_hdr(img)->relocatable_kernel = 0; /* loaded at 1 MiB */
	fixture_hdr(img)->pref_address = MiB(1);
	fixture_hdr(img)->init_size = MiB(2);
	req.entry = (struct entry_options){ .proto = BOOT_LINUX32, .paging = PAGING_NONPAE };
	cr_assert_eq(load_linux(&big, &req, &st, &res), 0, "%s", err_msg());
	cr_assert_eq(res.kernel.end, MiB(3));
	cr_assert_eq(st.paging.base, MiB(3), "right after the kernel window");
	fixture_ram_free(&big);
}

static struct load_request elf_request(uint8_t *elf, enum boot_proto proto, bool is_auto)
{
	struct load_request req = request("console=ttyS0");

	req.kernel = elf;
	req.kernel_len = FIX_ELF_LEN;
	req.entry = (struct entry_options){ .proto = proto, .proto_auto = is_auto,
					    .paging_auto = true };
	return req;
}

/* A plain ELF's initrd goes below the initrd_addr_max of the header vmm writes for it (before,
 * below 3 GiB: 4 GiB of RAM put it at 0xbf...000, above the 0x7fffffff the header says). */
Test(load, plain_elf_initrd_below_the_header_it_is_given)
{
	uint8_t *elf = fixture_elf();
	struct load_request req = elf_request(elf, BOOT_ELF, false);
	struct guest_mem big = fixture_ram(GiB(4));
	struct boot_params *bp = (void *)(big.hva + LAYOUT_ZERO_PAGE);

	cr_assert_not_null(big.hva);
	cr_assert_eq(load_linux(&big, &req, &big_st, &big_res), 0, "%s", err_msg());
	cr_assert_eq(bp->hdr.initrd_addr_max, BOOTPARAMS_SYNTH_INITRD_MAX);
	cr_assert_leq(big_res.initrd + sizeof(initrd) - 1, (uint64_t)bp->hdr.initrd_addr_max,
		      "initrd at 0x%llx", (unsigned long long)big_res.initrd);
	fixture_ram_free(&big);
	free(elf);
}

Test(load, plain_elf_auto_enters_e_entry_in_long_mode)
{
	uint8_t *elf = fixture_elf();
	struct load_request req = elf_request(elf, BOOT_LINUX32, true);
	struct boot_params *bp = (void *)(gm.hva + LAYOUT_ZERO_PAGE);

	cr_assert_eq(load_linux(&gm, &req, &st, &res), 0, "%s", err_msg());
	cr_assert_eq(st.proto, BOOT_ELF);
	cr_assert_eq(st.cpu.rip, FIX_ELF_ENTRY);
	cr_assert_eq(st.cpu.rsi, LAYOUT_ZERO_PAGE);
	cr_assert_eq(st.paging.mode, PAGING_LONG);
	cr_assert_eq(bp->hdr.header, 0x53726448, "synthesized header");
	cr_assert_eq(bp->hdr.ramdisk_image, res.initrd);
	cr_assert_eq(memcmp(gm.hva + FIX_ELF_TEXT_PADDR, elf + FIX_ELF_TEXT_OFF,
			    FIX_ELF_TEXT_SIZE), 0, "PT_LOAD at p_paddr");
	cr_assert_eq(res.kernel.load, FIX_ELF_TEXT_PADDR);
	free(elf);
}

Test(load, plain_elf_pvh)
{
	uint8_t *elf = fixture_elf();
	struct load_request req = elf_request(elf, BOOT_PVH, false);
	uint32_t magic;

	cr_assert_eq(load_linux(&gm, &req, &st, &res), 0, "%s", err_msg());
	cr_assert_eq(st.cpu.rip, FIX_ELF_PVH_ENTRY);
	cr_assert_eq(st.cpu.rbx, LAYOUT_PVH_START_INFO);
	cr_assert_eq(st.paging.mode, PAGING_OFF);
	memcpy(&magic, gm.hva + LAYOUT_PVH_START_INFO, 4);
	cr_assert_eq(magic, 0x336ec578);
	free(elf);
}

Test(load, plain_elf32_auto_enters_e_entry_in_protected_mode)
{
	uint8_t *elf = fixture_elf32();
	struct load_request req = elf_request(elf, BOOT_LINUX32, true);
	struct boot_params *bp = (void *)(gm.hva + LAYOUT_ZERO_PAGE);

	cr_assert_eq(load_linux(&gm, &req, &st, &res), 0, "%s", err_msg());
	cr_assert_eq(st.proto, BOOT_ELF32);
	cr_assert_eq(st.cpu.rip, FIX_ELF_ENTRY);
	cr_assert_eq(st.cpu.rsi, LAYOUT_ZERO_PAGE, "the 32-bit protocol: boot_params in ESI");
	cr_assert_eq(st.paging.mode, PAGING_OFF);
	cr_assert_eq(st.cpu.cs.l, 0);
	cr_assert_eq(st.cpu.cs.db, 1, "32-bit code");
	cr_assert_eq(bp->hdr.header, 0x53726448, "synthesized header");
	cr_assert_eq(memcmp(gm.hva + FIX_ELF_TEXT_PADDR, elf + FIX_ELF_TEXT_OFF,
			    FIX_ELF_TEXT_SIZE), 0, "PT_LOAD at p_paddr");
	free(elf);
}

Test(load, elf_of_an_elf32_file_is_elf32_with_the_paging_asked)
{
	uint8_t *elf = fixture_elf32();
	struct load_request req = elf_request(elf, BOOT_ELF, false);

	req.entry.paging_auto = false;
	req.entry.paging = PAGING_PAE;
	cr_assert_eq(load_linux(&gm, &req, &st, &res), 0, "%s", err_msg());
	cr_assert_eq(st.proto, BOOT_ELF32);
	cr_assert_eq(st.paging.mode, PAGING_PAE);
	cr_assert_eq(st.cpu.cr4 & 0x20, 0x20, "CR4.PAE");
	free(elf);
}

Test(load, elf32_pvh_uses_the_note)
{
	uint8_t *elf = fixture_elf32();
	struct load_request req = elf_request(elf, BOOT_PVH, false);

	cr_assert_eq(load_linux(&gm, &req, &st, &res), 0, "%s", err_msg());
	cr_assert_eq(st.proto, BOOT_PVH);
	cr_assert_eq(st.cpu.rip, FIX_ELF_PVH_ENTRY);
	cr_assert_eq(st.cpu.rbx, LAYOUT_PVH_START_INFO);
	free(elf);
}

Test(load, elf32_entry_refuses_an_elf64_file)
{
	uint8_t *elf = fixture_elf();
	struct load_request req = elf_request(elf, BOOT_ELF32, false);

	cr_assert_eq(load_linux(&gm, &req, &st, &res), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "--boot=elf32 needs a 32-bit (ELFCLASS32) vmlinux"),
			   "%s", err_msg());
	free(elf);
}

Test(load, elf_file_refuses_bzimage_entries)
{
	uint8_t *elf = fixture_elf();
	struct load_request req = elf_request(elf, BOOT_LINUX64, false);

	cr_assert_eq(load_linux(&gm, &req, &st, &res), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "needs a bzImage"), "%s", err_msg());
	free(elf);
}

Test(load, bzimage_without_payload_cannot_boot_elf)
{
	struct load_request req = request("");

	req.entry.proto = BOOT_ELF; /* the fixture has no payload */
	cr_assert_neq(load_linux(&gm, &req, &st, &res), 0);
	cr_assert(ram_is_zero());
}

/* --- the payload store (vmm/payload_cache.c's interface) ------------------ */

struct fake_store {
	struct payload_store ops;
	const uint8_t *elf; /* what get() returns; NULL: a miss */
	size_t elf_len;
	unsigned gets, puts, releases;
	uint8_t put_payload[64];
	size_t put_len, put_payload_len;
};

static int fake_get(const struct payload_store *s, const uint8_t *payload, size_t len,
		    const uint8_t **elf, size_t *elf_len)
{
	struct fake_store *f = s->ctx;

	(void)payload;
	(void)len;
	f->gets++;
	if (!f->elf)
		return -ENOENT;
	*elf = f->elf;
	*elf_len = f->elf_len;
	return 0;
}

static void fake_release(const struct payload_store *s)
{
	((struct fake_store *)s->ctx)->releases++;
}

static int fake_put(const struct payload_store *s, const uint8_t *payload, size_t len,
		    const uint8_t *elf, size_t elf_len)
{
	struct fake_store *f = s->ctx;

	f->puts++;
	f->put_len = elf_len;
	f->put_payload_len = len;
	memcpy(f->put_payload, payload, len < sizeof(f->put_payload) ? len : sizeof(f->put_payload));
	cr_expect_eq(memcmp(elf, "\177ELF", 4), 0, "put() gets the decompressed ELF");
	return 0;
}

#define STORE_PAYLOAD_OFF 0x1000

/* The fixture bzImage with `data` zstd-compressed as its payload. */
static void embed_payload(const void *data, size_t len)
{
	size_t zlen;
	uint8_t *z = fixture_compress("zstd -q -c", data, len, 1, &zlen);

	cr_assert_not_null(z);
	memcpy(img + FIX_PM_OFFSET + STORE_PAYLOAD_OFF, z, zlen);
	fixture_hdr(img)->payload_offset = STORE_PAYLOAD_OFF;
	fixture_hdr(img)->payload_length = (uint32_t)zlen;
	free(z);
}

static struct fake_store fake(const uint8_t *elf, size_t len)
{
	return (struct fake_store){ .ops = { .get = fake_get, .release = fake_release,
					     .put = fake_put },
				    .elf = elf, .elf_len = len };
}

/* A --boot=elf request of the fixture bzImage through the store `f`. */
static struct load_request store_request(struct fake_store *f)
{
	struct load_request req = request("console=ttyS0");

	f->ops.ctx = f;
	req.entry.proto = BOOT_ELF;
	req.payloads = &f->ops;
	return req;
}

Test(load, payload_miss_decompresses_and_stores)
{
	uint8_t *elf = fixture_elf();
	struct fake_store f = fake(NULL, 0);
	struct load_request req = store_request(&f);

	embed_payload(elf, FIX_ELF_LEN);
	cr_assert_eq(load_linux(&gm, &req, &st, &res), 0, "%s", err_msg());
	cr_expect_eq(res.payload, PAYLOAD_DECOMPRESSED);
	cr_expect_eq(f.gets, 1);
	cr_expect_eq(f.puts, 1);
	cr_expect_eq(f.put_len, FIX_ELF_LEN);
	cr_expect_eq(f.put_payload_len, fixture_hdr(img)->payload_length, "keyed by the compressed bytes");
	cr_expect_eq(memcmp(f.put_payload, "\050\265\057\375", 4), 0, "zstd magic: the compressed payload");
	cr_expect_eq(st.cpu.rip, FIX_ELF_ENTRY);
	free(elf);
}

Test(load, payload_hit_skips_decompression)
{
	uint8_t *elf = fixture_elf();
	struct fake_store f = fake(elf, FIX_ELF_LEN);
	struct load_request req = store_request(&f);

	/* A payload that does not decompress: only the store can make this boot. */
	memset(img + FIX_PM_OFFSET + STORE_PAYLOAD_OFF, 0xa5, 256);
	fixture_hdr(img)->payload_offset = STORE_PAYLOAD_OFF;
	fixture_hdr(img)->payload_length = 256;
	cr_assert_eq(load_linux(&gm, &req, &st, &res), 0, "%s", err_msg());
	cr_expect_eq(res.payload, PAYLOAD_CACHED);
	cr_expect_eq(f.puts, 0);
	cr_expect_eq(f.releases, 1);
	cr_expect_eq(st.cpu.rip, FIX_ELF_ENTRY);
	cr_expect_eq(memcmp(gm.hva + FIX_ELF_TEXT_PADDR, elf + FIX_ELF_TEXT_OFF, FIX_ELF_TEXT_SIZE), 0);
	free(elf);
}

/* A stored entry larger than RAM is a miss: the payload is decompressed, and
 * any error is the one a run without the store gives. */
Test(load, payload_hit_bigger_than_ram_is_a_miss)
{
	uint8_t *elf = fixture_elf();
	struct fake_store f = fake(elf, MiB(64) + 1);
	struct load_request req = store_request(&f);

	embed_payload(elf, FIX_ELF_LEN);
	cr_assert_eq(load_linux(&gm, &req, &st, &res), 0, "%s", err_msg());
	cr_expect_eq(f.releases, 1);
	cr_expect_eq(res.payload, PAYLOAD_DECOMPRESSED);
	cr_expect_eq(f.puts, 1, "the right bytes replace the entry");
	free(elf);
}

/* A payload that declares more bytes than guest RAM: the error says RAM is the limit and how
 * much the vmlinux alone needs (the size its trailer declares, in MiB, rounded up). */
Test(load, payload_bigger_than_ram_names_the_mem_it_needs)
{
	uint8_t *elf = fixture_elf();
	struct fake_store f = fake(NULL, 0);
	struct load_request req = store_request(&f);
	uint8_t *trailer;

	embed_payload(elf, FIX_ELF_LEN);
	trailer = img + FIX_PM_OFFSET + STORE_PAYLOAD_OFF + fixture_hdr(img)->payload_length - 4;
	memcpy(trailer, "\x01\x00\x40\x06", 4); /* 0x06400001: 100 MiB and a byte */
	cr_assert_eq(load_linux(&gm, &req, &st, &res), -E2BIG);
	cr_expect_not_null(strstr(err_msg(), "larger than guest RAM (64 MiB): use --mem 101M or more"),
			   "%s", err_msg());
	free(elf);
}

/* With RAM above 1 GiB the payload's limit is 1 GiB (PAYLOAD_EXTRACT_MAX), not RAM: a small
 * file declaring more is refused before anything is decompressed. */
Test(load, payload_limit_is_1_gib_with_more_ram)
{
	uint8_t *elf = fixture_elf();
	struct fake_store f = fake(NULL, 0);
	struct load_request req = store_request(&f);
	struct guest_mem big = fixture_ram(GiB(2));
	uint8_t *trailer;

	cr_assert_not_null(big.hva);
	embed_payload(elf, FIX_ELF_LEN);
	trailer = img + FIX_PM_OFFSET + STORE_PAYLOAD_OFF + fixture_hdr(img)->payload_length - 4;
	memcpy(trailer, "\x00\x00\x00\x50", 4); /* 0x50000000: 1.25 GiB */
	cr_assert_eq(load_linux(&big, &req, &big_st, &big_res), -E2BIG);
	cr_expect_not_null(strstr(err_msg(), "exceeds the limit of 1073741824 bytes"), "%s", err_msg());
	cr_expect_null(strstr(err_msg(), "guest RAM"), "%s", err_msg());
	fixture_ram_free(&big);
	free(elf);
}

Test(load, bzimage_entry_never_asks_the_store)
{
	struct fake_store f = fake(NULL, 0);
	struct load_request req = request("");

	f.ops.ctx = &f;
	req.payloads = &f.ops;
	cr_assert_eq(load_linux(&gm, &req, &st, &res), 0, "%s", err_msg());
	cr_expect_eq(f.gets + f.puts, 0);
	cr_expect_eq(res.payload, PAYLOAD_UNUSED);
}

/* auto never depends on what the store holds: the same image and options give the same path. */
Test(load, auto_ignores_the_store)
{
	uint8_t *elf = fixture_elf();
	struct fake_store f = fake(elf, FIX_ELF_LEN);
	struct load_request req = store_request(&f);

	embed_payload(elf, FIX_ELF_LEN);
	req.entry = (struct entry_options){ .proto_auto = true, .paging_auto = true };
	cr_assert_eq(load_linux(&gm, &req, &st, &res), 0, "%s", err_msg());
	cr_expect_eq(st.proto, BOOT_LINUX64);
	cr_expect_eq(f.gets + f.puts, 0);
	cr_expect_eq(res.payload, PAYLOAD_UNUSED);
	free(elf);
}
