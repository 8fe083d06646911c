/* test_elf.c: vmlinux ELF validation (one test per rejected field), RAM fit and the two-pass load at p_paddr. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader/elf.h"
#include "mmu/bits.h"
#include "mmu/err.h"
#include "tests/unit/fixtures.h"

static uint8_t *img;
static struct elf_kernel k;

static void setup(void)
{
	img = fixture_elf();
	err_clear();
}

static void teardown(void)
{
	free(img);
}

TestSuite(elf, .init = setup, .fini = teardown);

static void expect_reject(size_t len, int code, const char *field)
{
	cr_assert_eq(elf_parse(img, len, &k), code, "%s", err_msg());
	cr_assert_not_null(strstr(err_msg(), field), "message '%s' lacks '%s'",
			   err_msg(), field);
}

Test(elf, accepts_good_image)
{
	cr_assert_eq(elf_parse(img, FIX_ELF_LEN, &k), 0, "%s", err_msg());
	cr_assert_eq(k.entry, FIX_ELF_ENTRY);
	cr_assert_eq(k.nload, 2);
	cr_assert_eq(k.load[0].paddr, FIX_ELF_TEXT_PADDR);
	cr_assert_eq(k.load[0].offset, FIX_ELF_TEXT_OFF);
	cr_assert_eq(k.load[0].flags, PF_R | PF_X);
	cr_assert_eq(k.load[1].paddr, FIX_ELF_DATA_PADDR);
	cr_assert_eq(k.load[1].filesz, FIX_ELF_DATA_FILESZ);
	cr_assert_eq(k.load[1].memsz, FIX_ELF_DATA_MEMSZ);
	cr_assert_eq(k.lo, FIX_ELF_TEXT_PADDR);
	cr_assert_eq(k.hi, FIX_ELF_DATA_PADDR + FIX_ELF_DATA_MEMSZ);
	cr_assert(k.has_pvh);
	cr_assert_eq(k.pvh_entry, FIX_ELF_PVH_ENTRY);
}

Test(elf, sorts_segments_by_paddr)
{
	fixture_phdr(img, 0)->p_paddr = 0x300000;
	fixture_ehdr(img)->e_entry = 0x300000;
	/* the PVH note still points at 0x100040, now outside any code */
	fixture_phdr(img, 2)->p_type = PT_NULL;
	cr_assert_eq(elf_parse(img, FIX_ELF_LEN, &k), 0, "%s", err_msg());
	cr_assert_eq(k.load[0].paddr, FIX_ELF_DATA_PADDR);
	cr_assert_eq(k.load[1].paddr, 0x300000);
	cr_assert_eq(k.lo, FIX_ELF_DATA_PADDR);
	cr_assert_eq(k.hi, 0x300000 + FIX_ELF_TEXT_SIZE);
}

Test(elf, no_pvh_note)
{
	fixture_phdr(img, 2)->p_type = PT_NULL;
	cr_assert_eq(elf_parse(img, FIX_ELF_LEN, &k), 0, "%s", err_msg());
	cr_assert(!k.has_pvh);
	cr_assert_eq(k.pvh_entry, 0);
}

Test(elf, rejects_bad_magic)
{
	img[1] = 'X';
	expect_reject(FIX_ELF_LEN, -ENOEXEC, "no ELF magic");
}

Test(elf, rejects_empty_file)
{
	expect_reject(0, -ENOEXEC, "no ELF magic");
}

Test(elf, rejects_truncated_header)
{
	expect_reject(40, -EINVAL, "too short for an ELF64 header (64)");
}

Test(elf, rejects_file_too_short_to_name_its_class)
{
	expect_reject(4, -EINVAL, "file is 4 bytes, too short for an ELF header");
}

Test(elf, rejects_wrong_class)
{
	img[EI_CLASS] = ELFCLASSNUM;
	expect_reject(FIX_ELF_LEN, -EINVAL, "EI_CLASS 3 is neither");
}

Test(elf, rejects_elf64_headers_labelled_elf32)
{
	img[EI_CLASS] = ELFCLASS32; /* read as Elf32: e_machine (same offset) says x86-64 */
	expect_reject(FIX_ELF_LEN, -EINVAL, "e_machine 62 is not EM_386 (3) (an ELF32 vmlinux)");
}

Test(elf, accepts_i386_elf32_image)
{
	uint8_t *img32 = fixture_elf32();

	cr_assert_eq(elf_parse(img32, FIX_ELF_LEN, &k), 0, "%s", err_msg());
	cr_assert(k.is32);
	cr_assert_eq(k.entry, FIX_ELF_ENTRY);
	cr_assert_eq(k.nload, 2);
	cr_assert_eq(k.load[0].paddr, FIX_ELF_TEXT_PADDR, "p_paddr, not the 0xc... p_vaddr");
	cr_assert_eq(k.load[1].memsz, FIX_ELF_DATA_MEMSZ);
	cr_assert(k.has_pvh, "the note format is the same in ELF32");
	cr_assert_eq(k.pvh_entry, FIX_ELF_PVH_ENTRY);
	cr_assert(elf_is_class32(img32, FIX_ELF_LEN));
	cr_assert_not(elf_is_class32(img, FIX_ELF_LEN));
	cr_assert_not(elf_is_class32(img32, EI_CLASS), "too short to say");
	free(img32);
}

Test(elf, accepts_elf64_image_as_64bit)
{
	cr_assert_eq(elf_parse(img, FIX_ELF_LEN, &k), 0, "%s", err_msg());
	cr_assert_not(k.is32);
}

Test(elf, rejects_elf32_with_x86_64_machine)
{
	uint8_t *img32 = fixture_elf32();

	((Elf32_Ehdr *)img32)->e_machine = EM_X86_64;
	cr_assert_eq(elf_parse(img32, FIX_ELF_LEN, &k), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "e_machine 62 is not EM_386"), "%s", err_msg());
	free(img32);
}

Test(elf, rejects_elf32_with_elf64_header_sizes)
{
	uint8_t *img32 = fixture_elf32();

	((Elf32_Ehdr *)img32)->e_phentsize = sizeof(Elf64_Phdr);
	cr_assert_eq(elf_parse(img32, FIX_ELF_LEN, &k), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "e_phentsize 56 is not 32"), "%s", err_msg());
	free(img32);
}

Test(elf, rejects_elf32_too_short_for_its_header)
{
	uint8_t *img32 = fixture_elf32();

	cr_assert_eq(elf_parse(img32, sizeof(Elf32_Ehdr) - 1, &k), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "too short for an ELF32 header (52)"), "%s", err_msg());
	free(img32);
}

Test(elf, rejects_big_endian)
{
	img[EI_DATA] = ELFDATA2MSB;
	expect_reject(FIX_ELF_LEN, -EINVAL, "EI_DATA 2");
}

Test(elf, rejects_bad_ident_version)
{
	img[EI_VERSION] = 2;
	expect_reject(FIX_ELF_LEN, -EINVAL, "EI_VERSION 2");
}

Test(elf, rejects_wrong_machine)
{
	fixture_ehdr(img)->e_machine = EM_386;
	expect_reject(FIX_ELF_LEN, -EINVAL, "e_machine 3");
}

Test(elf, rejects_wrong_type)
{
	fixture_ehdr(img)->e_type = ET_DYN;
	expect_reject(FIX_ELF_LEN, -EINVAL, "e_type 3");
}

Test(elf, rejects_bad_e_version)
{
	fixture_ehdr(img)->e_version = 7;
	expect_reject(FIX_ELF_LEN, -EINVAL, "e_version 7");
}

Test(elf, rejects_bad_ehsize)
{
	fixture_ehdr(img)->e_ehsize = 52;
	expect_reject(FIX_ELF_LEN, -EINVAL, "e_ehsize 52");
}

Test(elf, rejects_bad_phentsize)
{
	fixture_ehdr(img)->e_phentsize = 32;
	expect_reject(FIX_ELF_LEN, -EINVAL, "e_phentsize 32");
}

/* Solo5 #383: e_phentsize 0 with e_phnum 0xffff read out of bounds. */
Test(elf, rejects_zero_phentsize_huge_phnum)
{
	fixture_ehdr(img)->e_phentsize = 0;
	fixture_ehdr(img)->e_phnum = 0xffff;
	expect_reject(FIX_ELF_LEN, -EINVAL, "e_phentsize 0");
}

Test(elf, rejects_phnum_zero)
{
	fixture_ehdr(img)->e_phnum = 0;
	expect_reject(FIX_ELF_LEN, -EINVAL, "e_phnum 0");
}

Test(elf, rejects_phnum_huge)
{
	fixture_ehdr(img)->e_phnum = ELF_MAX_PHDR + 1;
	expect_reject(FIX_ELF_LEN, -EINVAL, "e_phnum 65");
}

Test(elf, rejects_phdrs_past_eof)
{
	fixture_ehdr(img)->e_phoff = FIX_ELF_LEN - 100;
	expect_reject(FIX_ELF_LEN, -EINVAL, "e_phoff 0x39c");
}

Test(elf, rejects_phoff_huge)
{
	fixture_ehdr(img)->e_phoff = UINT64_MAX - 8;
	expect_reject(FIX_ELF_LEN, -EINVAL, "e_phoff 0xfffffffffffffff7");
}

Test(elf, rejects_segment_past_eof)
{
	fixture_phdr(img, 1)->p_filesz = 0x101;
	expect_reject(FIX_ELF_LEN, -EINVAL, "phdr[1]: p_offset 0x300 + p_filesz 0x101 runs past");
}

Test(elf, rejects_offset_filesz_overflow)
{
	fixture_phdr(img, 1)->p_offset = UINT64_MAX - 0x10;
	expect_reject(FIX_ELF_LEN, -EINVAL, "phdr[1]: p_offset 0xffffffffffffffef + p_filesz 0x80 overflows");
}

Test(elf, rejects_memsz_below_filesz)
{
	fixture_phdr(img, 1)->p_memsz = 0x40;
	expect_reject(FIX_ELF_LEN, -EINVAL, "phdr[1]: p_memsz 0x40 < p_filesz 0x80");
}

Test(elf, rejects_paddr_memsz_wrap)
{
	fixture_phdr(img, 1)->p_paddr = UINT64_MAX - 0x100;
	expect_reject(FIX_ELF_LEN, -EINVAL, "phdr[1]: p_paddr 0xfffffffffffffeff + p_memsz 0x1000 wraps");
}

Test(elf, rejects_overlapping_segments)
{
	fixture_phdr(img, 1)->p_paddr = FIX_ELF_TEXT_PADDR + 0x80;
	expect_reject(FIX_ELF_LEN, -EINVAL, "0x100000+0x100 overlaps the one at 0x100080");
}

Test(elf, rejects_overlap_in_either_order)
{
	fixture_phdr(img, 1)->p_paddr = FIX_ELF_TEXT_PADDR - 0x800;
	expect_reject(FIX_ELF_LEN, -EINVAL, "0xff800+0x1000 overlaps the one at 0x100000");
}

Test(elf, rejects_too_many_load_segments)
{
	uint8_t *big = calloc(1, 0x1000);
	Elf64_Phdr *ph = (Elf64_Phdr *)(big + 0x800);

	memcpy(big, img, FIX_ELF_LEN);
	fixture_ehdr(big)->e_phoff = 0x800;
	fixture_ehdr(big)->e_phnum = ELF_MAX_LOAD + 1;
	for (unsigned i = 0; i <= ELF_MAX_LOAD; i++)
		ph[i] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
				      .p_offset = FIX_ELF_TEXT_OFF,
				      .p_paddr = 0x100000 + i * 0x1000,
				      .p_filesz = 0x10, .p_memsz = 0x10 };
	cr_assert_eq(elf_parse(big, 0x1000, &k), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "more than 16 PT_LOAD"), "%s",
			   err_msg());
	free(big);
}

Test(elf, rejects_no_load_segment)
{
	fixture_phdr(img, 0)->p_type = PT_NULL;
	fixture_phdr(img, 1)->p_type = PT_NULL;
	expect_reject(FIX_ELF_LEN, -EINVAL, "no PT_LOAD");
}

Test(elf, rejects_entry_outside_executable_segment)
{
	fixture_ehdr(img)->e_entry = FIX_ELF_DATA_PADDR;
	expect_reject(FIX_ELF_LEN, -EINVAL, "e_entry 0x200000 is not inside");
}

Test(elf, rejects_entry_past_segment)
{
	fixture_ehdr(img)->e_entry = FIX_ELF_TEXT_PADDR + FIX_ELF_TEXT_SIZE;
	expect_reject(FIX_ELF_LEN, -EINVAL, "e_entry 0x100100 is not inside");
}

/* vmlinux's e_entry is physical; a virtual (0xffffffff8...) one is refused. */
Test(elf, rejects_virtual_entry)
{
	fixture_ehdr(img)->e_entry = 0xffffffff80000000ull + FIX_ELF_ENTRY;
	expect_reject(FIX_ELF_LEN, -EINVAL, "e_entry 0xffffffff80100000");
}

Test(elf, rejects_pvh_entry_outside_executable_segment)
{
	uint64_t bad = FIX_ELF_DATA_PADDR;

	memcpy(img + FIX_ELF_PVH_NOTE + 16, &bad, sizeof(bad));
	expect_reject(FIX_ELF_LEN, -EINVAL, "PVH entry 0x200000");
}

Test(elf, rejects_note_segment_past_eof)
{
	fixture_phdr(img, 2)->p_offset = FIX_ELF_LEN - 8;
	expect_reject(FIX_ELF_LEN, -EINVAL, "phdr[2]: p_offset 0x3f8");
}

Test(elf, rejects_malformed_note)
{
	uint32_t huge = 0xfffffff0;

	memcpy(img + FIX_ELF_PVH_NOTE + 4, &huge, sizeof(huge));
	expect_reject(FIX_ELF_LEN, -EINVAL, "descsz 4294967280");
}

static struct guest_mem ram;

static void parse_ok(void)
{
	cr_assert_eq(elf_parse(img, FIX_ELF_LEN, &k), 0, "%s", err_msg());
}

Test(elf, fits_in_ram)
{
	ram = fixture_ram(MiB(4));
	parse_ok();
	cr_assert_eq(elf_check_fit(&k, &ram, MiB(1)), 0, "%s", err_msg());
	fixture_ram_free(&ram);
}

Test(elf, rejects_segment_beyond_ram)
{
	ram = fixture_ram(MiB(2));
	parse_ok();
	cr_assert_eq(elf_check_fit(&k, &ram, MiB(1)), -E2BIG);
	cr_assert_not_null(strstr(err_msg(), "needs RAM up to 0x201000"), "%s",
			   err_msg());
	cr_assert_not_null(strstr(err_msg(), "use --mem 3M"), "%s", err_msg());
	fixture_ram_free(&ram);
}

/* RAM that ends below the first segment: the advice covers the last one too, so that
 * following it is enough (before, it named the first segment's end: --mem 2M, then 3M). */
Test(elf, advises_ram_for_every_segment)
{
	ram = fixture_ram(MiB(1));
	parse_ok();
	cr_assert_eq(elf_check_fit(&k, &ram, 0), -E2BIG);
	cr_assert_not_null(strstr(err_msg(), "needs RAM up to 0x100100"), "%s", err_msg());
	cr_assert_not_null(strstr(err_msg(), "use --mem 3M or more"), "%s", err_msg());
	fixture_ram_free(&ram);
}

Test(elf, rejects_segment_in_reserved_area)
{
	ram = fixture_ram(MiB(4));
	parse_ok();
	cr_assert_eq(elf_check_fit(&k, &ram, MiB(1) + 0x1000), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "p_paddr 0x100000 lies below 0x101000"),
			   "%s", err_msg());
	fixture_ram_free(&ram);
}

Test(elf, loads_at_paddr_and_zero_fills)
{
	ram = fixture_ram(MiB(4));
	memset(ram.hva, 0xaa, MiB(4));
	parse_ok();
	cr_assert_eq(elf_load(&k, &ram), 0, "%s", err_msg());
	cr_assert_eq(memcmp(ram.hva + FIX_ELF_TEXT_PADDR, img + FIX_ELF_TEXT_OFF,
			    FIX_ELF_TEXT_SIZE), 0);
	cr_assert_eq(memcmp(ram.hva + FIX_ELF_DATA_PADDR, img + FIX_ELF_DATA_OFF,
			    FIX_ELF_DATA_FILESZ), 0);
	for (unsigned i = FIX_ELF_DATA_FILESZ; i < FIX_ELF_DATA_MEMSZ; i++)
		cr_assert_eq(ram.hva[FIX_ELF_DATA_PADDR + i], 0, "byte 0x%x", i);
	/* untouched around the segments; p_vaddr 0 of the data segment unused */
	cr_assert_eq(ram.hva[FIX_ELF_TEXT_PADDR - 1], 0xaa);
	cr_assert_eq(ram.hva[FIX_ELF_TEXT_PADDR + FIX_ELF_TEXT_SIZE], 0xaa);
	cr_assert_eq(ram.hva[FIX_ELF_DATA_PADDR + FIX_ELF_DATA_MEMSZ], 0xaa);
	cr_assert_eq(ram.hva[0], 0xaa);
	fixture_ram_free(&ram);
}

/* Two passes: the text segment fits, the data one does not: nothing is written. */
Test(elf, load_writes_nothing_when_a_segment_does_not_fit)
{
	ram = fixture_ram(MiB(2));
	memset(ram.hva, 0xaa, MiB(2));
	parse_ok();
	cr_assert_eq(elf_load(&k, &ram), -E2BIG);
	for (unsigned i = 0; i < FIX_ELF_TEXT_SIZE; i++)
		cr_assert_eq(ram.hva[FIX_ELF_TEXT_PADDR + i], 0xaa);
	fixture_ram_free(&ram);
}
