/* test_payload.c: locating a bzImage's compressed payload (bounds, overflow) and extracting the ELF inside. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader/elf.h"
#include "loader/payload.h"
#include "mmu/bits.h"
#include "mmu/err.h"
#include "tests/unit/fixtures.h"

#define PAYLOAD_OFF 0x2cc /* as in Debian's 6.1 kernel */

static uint8_t *img, *out;
static size_t out_len;
static struct bzimage bz;

static void setup(void)
{
	img = fixture_bzimage();
	out = NULL;
	err_clear();
}

static void teardown(void)
{
	free(img);
	free(out);
}

TestSuite(payload, .init = setup, .fini = teardown);

static void set_payload(uint32_t off, uint32_t len)
{
	fixture_hdr(img)->payload_offset = off;
	fixture_hdr(img)->payload_length = len;
	cr_assert_eq(bzimage_parse(img, FIX_IMAGE_LEN, &bz), 0, "%s", err_msg());
}

/* Put `cmd`'s compression of `data` into the fixture as its payload. */
static void embed(const char *cmd, const void *data, size_t len)
{
	size_t zlen;
	uint8_t *z = fixture_compress(cmd, data, len, 1, &zlen);

	cr_assert_not_null(z, "'%s' failed", cmd);
	cr_assert_leq(zlen, FIX_PM_SIZE - PAYLOAD_OFF);
	memcpy(img + FIX_PM_OFFSET + PAYLOAD_OFF, z, zlen);
	set_payload(PAYLOAD_OFF, (uint32_t)zlen);
	free(z);
}

static void expect_locate_reject(const char *field)
{
	const uint8_t *p;
	size_t len;

	cr_assert_eq(payload_locate(&bz, &p, &len), -EINVAL);
	cr_assert_null(p);
	cr_assert_not_null(strstr(err_msg(), field), "message '%s' lacks '%s'",
			   err_msg(), field);
}

Test(payload, locates_payload)
{
	const uint8_t *p;
	size_t len;

	set_payload(PAYLOAD_OFF, 0x1000);
	cr_assert_eq(payload_locate(&bz, &p, &len), 0, "%s", err_msg());
	cr_assert_eq(p, img + FIX_PM_OFFSET + PAYLOAD_OFF);
	cr_assert_eq(len, 0x1000);
}

Test(payload, accepts_payload_ending_at_syssize)
{
	const uint8_t *p;
	size_t len;

	set_payload(PAYLOAD_OFF, FIX_PM_SIZE - PAYLOAD_OFF);
	cr_assert_eq(payload_locate(&bz, &p, &len), 0, "%s", err_msg());
}

Test(payload, rejects_offset_past_end)
{
	set_payload(FIX_PM_SIZE, 1);
	expect_locate_reject("payload_offset 0x10000 + payload_length 0x1");
}

Test(payload, rejects_length_past_end)
{
	set_payload(PAYLOAD_OFF, FIX_PM_SIZE - PAYLOAD_OFF + 1);
	expect_locate_reject("payload_length 0xfd35");
}

/* 32-bit fields summed in 64 bits: no wrap back into the file. */
Test(payload, rejects_offset_length_overflow)
{
	set_payload(0xffffffff, 0xffffffff);
	expect_locate_reject("payload_offset 0xffffffff + payload_length 0xffffffff");
}

Test(payload, rejects_zero_length)
{
	set_payload(PAYLOAD_OFF, 0);
	expect_locate_reject("payload_length 0x0");
}

/* syssize claims more than the file holds only in a parsed-then-cut image. */
Test(payload, rejects_payload_past_file_end)
{
	set_payload(PAYLOAD_OFF, 0x1000);
	bz.len = FIX_PM_OFFSET + PAYLOAD_OFF + 0x800;
	expect_locate_reject("runs past the");
}

Test(payload, rejects_old_protocol)
{
	set_payload(PAYLOAD_OFF, 0x1000);
	bz.hdr.version = 0x0207;
	expect_locate_reject("2.07 has no payload_offset");
}

Test(payload, extracts_elf)
{
	uint8_t *elf = fixture_elf();
	struct elf_kernel k;

	embed("xz --check=crc32 -c", elf, FIX_ELF_LEN);
	cr_assert_eq(payload_extract(&bz, MiB(64), &out, &out_len), 0, "%s",
		     err_msg());
	cr_assert_eq(out_len, FIX_ELF_LEN);
	cr_assert_eq(memcmp(out, elf, FIX_ELF_LEN), 0);
	cr_assert_eq(elf_parse(out, out_len, &k), 0, "%s", err_msg());
	cr_assert_eq(k.pvh_entry, FIX_ELF_PVH_ENTRY);
	free(elf);
}

Test(payload, rejects_non_elf_payload)
{
	static const char text[] = "this is not an ELF image, just text";

	embed("lz4 -l -c", text, sizeof(text));
	cr_assert_eq(payload_extract(&bz, MiB(64), &out, &out_len), -ENOEXEC);
	cr_assert_null(out);
	cr_assert_eq(out_len, 0);
	cr_assert_not_null(strstr(err_msg(), "ELF magic"), "%s", err_msg());
}

Test(payload, rejects_unknown_compression)
{
	set_payload(PAYLOAD_OFF, 0x100); /* the fixture's pattern bytes */
	cr_assert_eq(payload_extract(&bz, MiB(64), &out, &out_len), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "unknown compression"), "%s",
			   err_msg());
}

Test(payload, rejects_size_over_cap)
{
	uint8_t *elf = fixture_elf();

	embed("zstd -q -c", elf, FIX_ELF_LEN);
	cr_assert_eq(payload_extract(&bz, FIX_ELF_LEN - 1, &out, &out_len),
		     -E2BIG);
	cr_assert_null(out);
	free(elf);
}

Test(payload, extract_reports_locate_errors)
{
	set_payload(FIX_PM_SIZE, 1);
	cr_assert_eq(payload_extract(&bz, MiB(64), &out, &out_len), -EINVAL);
	cr_assert_null(out);
}
