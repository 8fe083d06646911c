/* elf.c: vmlinux validation, ELF64 x86-64 or ELF32 i386 (libelf plus our own checks, Solo5's list), then a two-pass PT_LOAD load. */
#include "loader/elf.h"

#include <errno.h>
#include <gelf.h>
#include <string.h>

#include "loader/pvh.h"
#include "mmu/bits.h"
#include "mmu/err.h"

bool elf_is_class32(const void *img, size_t len)
{
	const uint8_t *b = img;

	return len > EI_CLASS && !memcmp(b, ELFMAG, SELFMAG) && b[EI_CLASS] == ELFCLASS32;
}

/* The header sizes and machine of a class: x86-64 vmlinux or i386 vmlinux. */
struct elf_class {
	size_t ehsize, phentsize;
	unsigned machine;
	const char *name, *machine_name;
};

static const struct elf_class class64 = { sizeof(Elf64_Ehdr), sizeof(Elf64_Phdr), EM_X86_64,
					  "ELF64", "EM_X86_64 (62)" };
static const struct elf_class class32 = { sizeof(Elf32_Ehdr), sizeof(Elf32_Phdr), EM_386,
					  "ELF32", "EM_386 (3)" };

/* Checks that need only e_ident: run before libelf sees the image. */
static int elf_check_ident(const uint8_t *img, size_t len, const struct elf_class **cls)
{
	if (len < SELFMAG || memcmp(img, ELFMAG, SELFMAG) != 0)
		return errf(-ENOEXEC, "elf: no ELF magic (\\x7fELF)");
	if (len < EI_NIDENT)
		return errf(-EINVAL, "elf: file is %zu bytes, too short for an ELF header", len);
	if (img[EI_CLASS] != ELFCLASS64 && img[EI_CLASS] != ELFCLASS32)
		return errf(-EINVAL, "elf: EI_CLASS %u is neither ELFCLASS64 nor ELFCLASS32",
			    img[EI_CLASS]);
	*cls = img[EI_CLASS] == ELFCLASS64 ? &class64 : &class32;
	if (len < (*cls)->ehsize)
		return errf(-EINVAL,
			    "elf: file is %zu bytes, too short for an %s header (%zu)",
			    len, (*cls)->name, (*cls)->ehsize);
	if (img[EI_DATA] != ELFDATA2LSB)
		return errf(-EINVAL, "elf: EI_DATA %u is not ELFDATA2LSB",
			    img[EI_DATA]);
	if (img[EI_VERSION] != EV_CURRENT)
		return errf(-EINVAL, "elf: EI_VERSION %u is not EV_CURRENT",
			    img[EI_VERSION]);
	return 0;
}

static int elf_check_ehdr(const GElf_Ehdr *eh, size_t len, const struct elf_class *cls)
{
	if (eh->e_machine != cls->machine)
		return errf(-EINVAL, "elf: e_machine %u is not %s (an %s vmlinux)",
			    eh->e_machine, cls->machine_name, cls->name);
	if (eh->e_type != ET_EXEC)
		return errf(-EINVAL, "elf: e_type %u is not ET_EXEC (2)",
			    eh->e_type);
	if (eh->e_version != EV_CURRENT)
		return errf(-EINVAL, "elf: e_version %u is not EV_CURRENT",
			    eh->e_version);
	if (eh->e_ehsize != cls->ehsize)
		return errf(-EINVAL, "elf: e_ehsize %u is not %zu",
			    eh->e_ehsize, cls->ehsize);
	if (eh->e_phentsize != cls->phentsize)
		return errf(-EINVAL, "elf: e_phentsize %u is not %zu",
			    eh->e_phentsize, cls->phentsize);
	if (eh->e_phnum < 1 || eh->e_phnum > ELF_MAX_PHDR)
		return errf(-EINVAL, "elf: e_phnum %u is not in [1, %d]",
			    eh->e_phnum, ELF_MAX_PHDR);
	/* e_phnum * e_phentsize <= 64 * 56: only the sum can overflow. */
	if (eh->e_phoff > len ||
	    len - eh->e_phoff < (uint64_t)eh->e_phnum * cls->phentsize)
		return errf(-EINVAL,
			    "elf: e_phoff 0x%llx + %u program headers run past the %zu-byte file",
			    (unsigned long long)eh->e_phoff, eh->e_phnum, len);
	return 0;
}

/* [p_offset, p_offset + p_filesz) must lie inside the file. */
static int elf_check_file_range(const GElf_Phdr *ph, unsigned i, size_t len)
{
	uint64_t end;

	if (__builtin_add_overflow(ph->p_offset, ph->p_filesz, &end))
		return errf(-EINVAL,
			    "elf: phdr[%u]: p_offset 0x%llx + p_filesz 0x%llx overflows",
			    i, (unsigned long long)ph->p_offset,
			    (unsigned long long)ph->p_filesz);
	if (end > len)
		return errf(-EINVAL,
			    "elf: phdr[%u]: p_offset 0x%llx + p_filesz 0x%llx runs past the %zu-byte file",
			    i, (unsigned long long)ph->p_offset,
			    (unsigned long long)ph->p_filesz, len);
	return 0;
}

static int elf_check_phdr(const GElf_Phdr *ph, unsigned i, size_t len)
{
	uint64_t end;
	int r = elf_check_file_range(ph, i, len);

	if (r < 0)
		return r;
	if (ph->p_filesz > ph->p_memsz)
		return errf(-EINVAL,
			    "elf: phdr[%u]: p_memsz 0x%llx < p_filesz 0x%llx", i,
			    (unsigned long long)ph->p_memsz,
			    (unsigned long long)ph->p_filesz);
	if (__builtin_add_overflow(ph->p_paddr, ph->p_memsz, &end))
		return errf(-EINVAL,
			    "elf: phdr[%u]: p_paddr 0x%llx + p_memsz 0x%llx wraps",
			    i, (unsigned long long)ph->p_paddr,
			    (unsigned long long)ph->p_memsz);
	return 0;
}

/* Keep a checked PT_LOAD in paddr order (insertion sort; at most 16). */
static int elf_add_load(struct elf_kernel *k, const GElf_Phdr *ph, unsigned i)
{
	struct elf_load_seg s = { .offset = ph->p_offset,
				  .filesz = ph->p_filesz,
				  .memsz = ph->p_memsz,
				  .paddr = ph->p_paddr,
				  .flags = ph->p_flags };
	unsigned j;

	if (ph->p_memsz == 0)
		return 0;
	if (k->nload == ELF_MAX_LOAD)
		return errf(-EINVAL, "elf: phdr[%u]: more than %d PT_LOAD segments",
			    i, ELF_MAX_LOAD);
	for (j = k->nload; j > 0 && k->load[j - 1].paddr > s.paddr; j--)
		k->load[j] = k->load[j - 1];
	k->load[j] = s;
	k->nload++;
	return 0;
}

static int elf_scan_note(struct elf_kernel *k, const GElf_Phdr *ph, unsigned i)
{
	bool found;
	uint32_t entry;
	int r = elf_check_file_range(ph, i, k->len);

	if (r == 0)
		r = pvh_note_scan(k->img + ph->p_offset, ph->p_filesz, &found,
				  &entry);
	if (r < 0 || !found)
		return r;
	if (k->has_pvh)
		return errf(-EINVAL, "elf: phdr[%u]: second PVH entry note", i);
	k->has_pvh = true;
	k->pvh_entry = entry;
	return 0;
}

static int elf_read_phdrs(Elf *e, size_t phnum, struct elf_kernel *k)
{
	GElf_Phdr ph;
	int r = 0;

	for (unsigned i = 0; i < phnum && r == 0; i++) {
		if (!gelf_getphdr(e, (int)i, &ph))
			return errf(-EINVAL, "elf: phdr[%u]: libelf: %s", i,
				    elf_errmsg(-1));
		if (ph.p_type == PT_LOAD) {
			r = elf_check_phdr(&ph, i, k->len);
			if (r == 0)
				r = elf_add_load(k, &ph, i);
		} else if (ph.p_type == PT_NOTE && ph.p_filesz) {
			r = elf_scan_note(k, &ph, i);
		}
	}
	return r;
}

/* Segments are sorted: neighbours must not overlap; record [lo, hi). */
static int elf_check_layout(struct elf_kernel *k)
{
	if (k->nload == 0)
		return errf(-EINVAL, "elf: no PT_LOAD segment with p_memsz > 0");
	for (unsigned i = 0; i + 1 < k->nload; i++) {
		const struct elf_load_seg *a = &k->load[i], *b = &k->load[i + 1];

		if (a->paddr + a->memsz > b->paddr)
			return errf(-EINVAL,
				    "elf: PT_LOAD at p_paddr 0x%llx+0x%llx overlaps the one at 0x%llx",
				    (unsigned long long)a->paddr,
				    (unsigned long long)a->memsz,
				    (unsigned long long)b->paddr);
	}
	k->lo = k->load[0].paddr;
	k->hi = k->load[k->nload - 1].paddr + k->load[k->nload - 1].memsz;
	return 0;
}

/* An entry must hit file-backed bytes of an executable segment (not bss). */
static bool elf_is_code(const struct elf_kernel *k, uint64_t addr)
{
	for (unsigned i = 0; i < k->nload; i++) {
		const struct elf_load_seg *s = &k->load[i];

		if ((s->flags & PF_X) && addr >= s->paddr &&
		    addr - s->paddr < s->filesz)
			return true;
	}
	return false;
}

static int elf_check_entries(const struct elf_kernel *k)
{
	if (!elf_is_code(k, k->entry))
		return errf(-EINVAL,
			    "elf: e_entry 0x%llx is not inside an executable PT_LOAD segment",
			    (unsigned long long)k->entry);
	if (k->has_pvh && !elf_is_code(k, k->pvh_entry))
		return errf(-EINVAL,
			    "elf: PVH entry 0x%x is not inside an executable PT_LOAD segment",
			    k->pvh_entry);
	return 0;
}

static int elf_parse_with(Elf *e, struct elf_kernel *k, const struct elf_class *cls)
{
	GElf_Ehdr eh;
	int r;

	if (elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh))
		return errf(-EINVAL, "elf: libelf rejects the header: %s",
			    elf_errmsg(-1));
	r = elf_check_ehdr(&eh, k->len, cls);
	if (r < 0)
		return r;
	k->entry = eh.e_entry;
	r = elf_read_phdrs(e, eh.e_phnum, k);
	if (r == 0)
		r = elf_check_layout(k);
	if (r == 0)
		r = elf_check_entries(k);
	return r;
}

int elf_parse(const void *img, size_t len, struct elf_kernel *out)
{
	const struct elf_class *cls = NULL;
	Elf *e;
	int r;

	memset(out, 0, sizeof(*out));
	out->img = img;
	out->len = len;
	r = elf_check_ident(img, len, &cls);
	if (r < 0)
		return r;
	out->is32 = cls == &class32;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return errf(-EINVAL, "elf: libelf: %s", elf_errmsg(-1));
	/* libelf only reads an ELFDATA2LSB image on this host (no conversion). */
	e = elf_memory((char *)(uintptr_t)img, len);
	if (!e)
		return errf(-EINVAL, "elf: libelf: %s", elf_errmsg(-1));
	r = elf_parse_with(e, out, cls);
	elf_end(e);
	return r;
}

/* `need`: the end of the highest segment below the MMIO hole, so that the --mem advice is
 * enough for every segment, not only the first one that does not fit. */
static int elf_check_seg(const struct elf_load_seg *s, const struct guest_mem *gm,
			 uint64_t reserved_below, uint64_t need)
{
	uint64_t end = s->paddr + s->memsz;

	if (s->paddr < reserved_below)
		return errf(-EINVAL,
			    "elf: segment at p_paddr 0x%llx lies below 0x%llx, in the VMM's reserved area",
			    (unsigned long long)s->paddr,
			    (unsigned long long)reserved_below);
	if (gm_ptr(gm, s->paddr, s->memsz))
		return 0;
	if (end <= GM_LOW_LIMIT)
		return errf(-E2BIG,
			    "elf: segment 0x%llx+0x%llx needs RAM up to 0x%llx but guest RAM ends at 0x%llx: use --mem %lluM or more",
			    (unsigned long long)s->paddr,
			    (unsigned long long)s->memsz,
			    (unsigned long long)end,
			    (unsigned long long)gm_low_size(gm),
			    (unsigned long long)((need + MiB(1) - 1) >> 20));
	return errf(-E2BIG, "elf: segment 0x%llx+0x%llx is not guest RAM",
		    (unsigned long long)s->paddr,
		    (unsigned long long)s->memsz);
}

int elf_check_fit(const struct elf_kernel *k, const struct guest_mem *gm,
		  uint64_t reserved_below)
{
	uint64_t need = 0;
	int r = 0;

	/* Every p_paddr + p_memsz was checked not to wrap when the phdrs were read. */
	for (unsigned i = 0; i < k->nload; i++) {
		uint64_t end = k->load[i].paddr + k->load[i].memsz;

		if (end <= GM_LOW_LIMIT && end > need)
			need = end;
	}
	for (unsigned i = 0; i < k->nload && r == 0; i++)
		r = elf_check_seg(&k->load[i], gm, reserved_below, need);
	return r;
}

int elf_load(const struct elf_kernel *k, struct guest_mem *gm)
{
	int r = elf_check_fit(k, gm, 0);

	if (r < 0)
		return r;
	for (unsigned i = 0; i < k->nload; i++) {
		const struct elf_load_seg *s = &k->load[i];
		uint8_t *dst = gm_ptr(gm, s->paddr, s->memsz);

		memcpy(dst, k->img + s->offset, s->filesz);
		memset(dst + s->filesz, 0, s->memsz - s->filesz);
	}
	return 0;
}
