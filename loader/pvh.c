/* pvh.c: XEN_ELFNOTE_PHYS32_ENTRY note scan and hvm_start_info/modlist/memmap construction. */
#include "loader/pvh.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "loader/memmap.h"
#include "mmu/bits.h"
#include "mmu/err.h"

/* start_info.h fixes these layouts; the kernel reads them at these offsets. */
_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info size");
_Static_assert(offsetof(struct hvm_start_info, nr_modules) == 12, "nr_modules");
_Static_assert(offsetof(struct hvm_start_info, modlist_paddr) == 16, "modlist");
_Static_assert(offsetof(struct hvm_start_info, cmdline_paddr) == 24, "cmdline");
_Static_assert(offsetof(struct hvm_start_info, rsdp_paddr) == 32, "rsdp");
_Static_assert(offsetof(struct hvm_start_info, memmap_paddr) == 40, "memmap");
_Static_assert(offsetof(struct hvm_start_info, memmap_entries) == 48,
	       "memmap_entries");
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "hvm_modlist_entry");
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24,
	       "hvm_memmap_table_entry");
_Static_assert(offsetof(struct hvm_memmap_table_entry, type) == 16, "type");

#define NOTE_HDR 12 /* Elf64_Nhdr: namesz, descsz, type (all 32-bit) */
#define NOTE_ALIGN 4

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Decode the desc of a PHYS32_ENTRY note: `_ASM_PTR`, 8 bytes on x86_64. */
static int note_entry(const uint8_t *desc, uint32_t descsz, size_t off,
		      uint32_t *entry)
{
	if (descsz != 4 && descsz != 8)
		return errf(-EINVAL,
			    "pvh: note at 0x%zx: XEN_ELFNOTE_PHYS32_ENTRY descsz %u is neither 4 nor 8",
			    off, descsz);
	if (descsz == 8 && get_le32(desc + 4) != 0)
		return errf(-EINVAL,
			    "pvh: note at 0x%zx: PHYS32_ENTRY 0x%08x%08x is above 4 GiB",
			    off, get_le32(desc + 4), get_le32(desc));
	*entry = get_le32(desc);
	return 0;
}

/* Bounds of one note at `off`: sets *next past its padded name and desc. */
static int note_bounds(const uint8_t *p, size_t len, size_t off, size_t *next)
{
	uint64_t namesz, descsz, end;

	if (len - off < NOTE_HDR)
		return errf(-EINVAL,
			    "pvh: note at 0x%zx: header truncated (%zu bytes left, need %d)",
			    off, len - off, NOTE_HDR);
	/* 32-bit sizes padded in 64-bit arithmetic cannot wrap. */
	namesz = ((uint64_t)get_le32(p + off) + NOTE_ALIGN - 1) & ~3ULL;
	descsz = ((uint64_t)get_le32(p + off + 4) + NOTE_ALIGN - 1) & ~3ULL;
	end = (uint64_t)off + NOTE_HDR + namesz + descsz;
	if (end > len)
		return errf(-EINVAL,
			    "pvh: note at 0x%zx: namesz %u + descsz %u run past the %zu-byte note segment",
			    off, get_le32(p + off), get_le32(p + off + 4), len);
	*next = (size_t)end;
	return 0;
}

int pvh_note_scan(const void *notes, size_t len, bool *found,
		  uint32_t *entry)
{
	const uint8_t *p = notes;
	size_t off = 0, next = 0;
	unsigned n;
	int r;

	*found = false;
	*entry = 0;
	if (len % NOTE_ALIGN)
		return errf(-EINVAL,
			    "pvh: note segment length %zu is not a multiple of 4",
			    len);
	for (n = 0; off < len; n++, off = next) {
		if (n == PVH_NOTE_MAX)
			return errf(-EINVAL, "pvh: more than %d notes",
				    PVH_NOTE_MAX);
		r = note_bounds(p, len, off, &next);
		if (r < 0)
			return r;
		if (get_le32(p + off) != sizeof(PVH_NOTE_OWNER) ||
		    memcmp(p + off + NOTE_HDR, PVH_NOTE_OWNER,
			   sizeof(PVH_NOTE_OWNER)) != 0 ||
		    get_le32(p + off + 8) != PVH_NOTE_PHYS32_ENTRY)
			continue;
		if (*found)
			return errf(-EINVAL,
				    "pvh: note at 0x%zx: second XEN_ELFNOTE_PHYS32_ENTRY",
				    off);
		r = note_entry(p + off + NOTE_HDR + NOTE_ALIGN,
			       get_le32(p + off + 4), off, entry);
		if (r < 0)
			return r;
		*found = true;
	}
	return 0;
}

/* A host pointer to [gpa, gpa+len), or -E2BIG naming the region. */
static int region(struct guest_mem *gm, const char *what, gpa_t gpa,
		  uint64_t len, void **out)
{
	*out = gm_ptr(gm, gpa, len);
	if (!*out)
		return errf(-E2BIG, "pvh: %s 0x%llx+0x%llx is not RAM", what,
			    (unsigned long long)gpa, (unsigned long long)len);
	return 0;
}

/* The kernel enters with EBX = start_info and reads cmdline_paddr as 32 bits. */
static int check_args(const struct pvh_args *a, size_t cmdlen)
{
	if (cmdlen + 1 > a->cmdline_max)
		return errf(-EINVAL,
			    "cmdline: %zu bytes exceed the VMM's %llu-byte command-line area",
			    cmdlen, (unsigned long long)a->cmdline_max - 1);
	if (a->start_info > GiB(4) - sizeof(struct hvm_start_info) ||
	    cmdlen >= GiB(4) || a->cmdline > GiB(4) - cmdlen - 1)
		return errf(-EINVAL,
			    "pvh: start_info 0x%llx or cmdline 0x%llx is above 4 GiB",
			    (unsigned long long)a->start_info,
			    (unsigned long long)a->cmdline);
	if (a->initrd && a->initrd_size == 0)
		return errf(-EINVAL, "pvh: initrd at 0x%llx has size 0",
			    (unsigned long long)a->initrd);
	return 0;
}

/* No two of start_info, modlist, memmap and cmdline may share a byte. */
static int check_overlap(const struct pvh_args *a, size_t cmdlen)
{
	const char *name[] = { "start_info", "modlist", "memmap", "cmdline" };
	uint64_t base[] = { a->start_info, a->modlist, a->memmap, a->cmdline };
	uint64_t len[] = { sizeof(struct hvm_start_info),
			   a->initrd ? sizeof(struct hvm_modlist_entry) : 0,
			   MEMMAP_MAX * sizeof(struct hvm_memmap_table_entry),
			   cmdlen + 1 };

	for (unsigned i = 0; i < 4; i++)
		for (unsigned j = i + 1; j < 4; j++)
			if (ranges_overlap(base[i], len[i], base[j], len[j]))
				return errf(-EINVAL,
					    "pvh: %s 0x%llx overlaps %s 0x%llx",
					    name[i], (unsigned long long)base[i],
					    name[j], (unsigned long long)base[j]);
	return 0;
}

/* Guest GPAs need not be host-aligned: copy, never store through a cast. */
static void fill_memmap(uint8_t *dst, const struct memmap_entry *map,
			unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct hvm_memmap_table_entry e = {
			.addr = map[i].addr, .size = map[i].size,
			.type = map[i].type };

		memcpy(dst + i * sizeof(e), &e, sizeof(e));
	}
}

static void fill_start_info(void *si, void *ml, const struct pvh_args *a,
			    unsigned n)
{
	struct hvm_modlist_entry mod = { .paddr = a->initrd,
					 .size = a->initrd_size };
	struct hvm_start_info info = {
		.magic = HVM_START_MAGIC,
		.version = HVM_START_VERSION,
		.nr_modules = ml ? 1 : 0,
		.modlist_paddr = ml ? a->modlist : 0,
		.cmdline_paddr = a->cmdline,
		.memmap_paddr = a->memmap,
		.memmap_entries = n,
	};

	if (ml)
		memcpy(ml, &mod, sizeof(mod));
	memcpy(si, &info, sizeof(info));
}

int pvh_set_memmap(struct guest_mem *gm, gpa_t start_info, gpa_t memmap,
		   const struct memmap_entry *map, unsigned n)
{
	uint32_t entries = n;
	void *si = NULL, *mm = NULL;
	int r = region(gm, "start_info", start_info, sizeof(struct hvm_start_info), &si);

	if (r == 0)
		r = region(gm, "memmap", memmap,
			   MEMMAP_MAX * sizeof(struct hvm_memmap_table_entry), &mm);
	if (r == 0 && n > MEMMAP_MAX)
		r = errf(-EINVAL, "pvh: %u memmap entries, at most %u", n, MEMMAP_MAX);
	if (r < 0)
		return r;
	fill_memmap(mm, map, n);
	memcpy((uint8_t *)si + offsetof(struct hvm_start_info, memmap_entries), &entries,
	       sizeof(entries));
	return 0;
}

int pvh_set_rsdp(struct guest_mem *gm, gpa_t start_info, gpa_t rsdp)
{
	void *si = NULL;
	int r = region(gm, "start_info", start_info, sizeof(struct hvm_start_info), &si);

	if (r == 0)
		memcpy((uint8_t *)si + offsetof(struct hvm_start_info, rsdp_paddr), &rsdp,
		       sizeof(rsdp));
	return r;
}

int pvh_build(struct guest_mem *gm, const struct pvh_args *a)
{
	struct memmap_entry map[MEMMAP_MAX];
	unsigned n = memmap_build(gm, map);
	size_t cmdlen = strlen(a->cmdline_str);
	void *si = NULL, *ml = NULL, *mm = NULL, *cl = NULL;
	int r;

	r = check_args(a, cmdlen);
	if (r == 0)
		r = region(gm, "start_info", a->start_info,
			   sizeof(struct hvm_start_info), &si);
	if (r == 0 && a->initrd)
		r = region(gm, "modlist", a->modlist,
			   sizeof(struct hvm_modlist_entry), &ml);
	if (r == 0)
		r = region(gm, "memmap", a->memmap,
			   n * sizeof(struct hvm_memmap_table_entry), &mm);
	if (r == 0)
		r = region(gm, "cmdline", a->cmdline, cmdlen + 1, &cl);
	if (r == 0) /* all of them are RAM, so no base + len wraps */
		r = check_overlap(a, cmdlen);
	if (r < 0)
		return r;

	memcpy(cl, a->cmdline_str, cmdlen + 1);
	fill_memmap(mm, map, n);
	fill_start_info(si, ml, a, n);
	return 0;
}
