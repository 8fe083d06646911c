/* mutate_bootinfo.c: the FUZZ_BOOTINFO class: a boot_params or hvm_start_info field, as pokes. */
#include "vmm/fuzz/mutate_private.h"

#include <asm/bootparam.h>
#include <stdio.h>

#include "loader/memmap.h"
#include "loader/pvh.h"

enum vkind { V_ANY, V_ADDR, V_COUNT, V_TYPE, V_SUBARCH };
struct info_field {
	const char *name;
	size_t off;
	unsigned size;
	enum vkind kind;
};

#define BP(fl, sz, k) { #fl, offsetof(struct boot_params, hdr.fl), sz, k }
static const struct info_field bp_fields[] = {
	BP(hardware_subarch, 4, V_SUBARCH), BP(cmd_line_ptr, 4, V_ADDR),
	{ "e820_entries", offsetof(struct boot_params, e820_entries), 1, V_COUNT },
};
#define HVM(fl, sz, k) { #fl, offsetof(struct hvm_start_info, fl), sz, k }
static const struct info_field hvm_fields[] = {
	HVM(magic, 4, V_ANY), HVM(version, 4, V_ANY), HVM(cmdline_paddr, 8, V_ADDR),
	HVM(memmap_paddr, 8, V_ADDR), HVM(memmap_entries, 4, V_COUNT),
};
/* An e820 entry and an hvm_memmap_table_entry share the layout of these three fields. */
static const struct info_field map_fields[] = {
	{ "addr", offsetof(struct boot_e820_entry, addr), 8, V_ADDR },
	{ "size", offsetof(struct boot_e820_entry, size), 8, V_ANY },
	{ "type", offsetof(struct boot_e820_entry, type), 4, V_TYPE },
};
_Static_assert(offsetof(struct hvm_memmap_table_entry, size) == offsetof(struct boot_e820_entry, size) &&
	       offsetof(struct hvm_memmap_table_entry, type) == offsetof(struct boot_e820_entry, type),
	       "map entry layouts");
static const struct { const char *name; uint8_t bit; } loadflags[] = {
	{ "loaded_high", LOADED_HIGH }, { "keep_segments", KEEP_SEGMENTS },
	{ "can_use_heap", CAN_USE_HEAP },
};

static uint64_t info_value(struct fz *f, enum vkind k, uint64_t cur, uint64_t mask)
{
	const uint64_t addr[] = { 0, gm_low_size(f->t->mem), cur | 1, mask };
	const uint64_t count[] = { 0, 1, E820_MAX_ENTRIES_ZEROPAGE, E820_MAX_ENTRIES_ZEROPAGE + 1, mask };
	uint64_t v;

	switch (k) {
	case V_ADDR: v = addr[fz_pick(f, 4)] & mask; break;
	case V_COUNT: v = count[fz_pick(f, 5)] & mask; break;
	case V_SUBARCH: /* a known one, the first unknown one or all ones */
		v = fz_pick(f, X86_NR_SUBARCHS + 2);
		v = v <= X86_NR_SUBARCHS ? v : mask;
		break;
	case V_TYPE: return fz_boundary(f, cur, mask, cur == MEMMAP_RAM ? MEMMAP_RESERVED : MEMMAP_RAM);
	default: return fz_boundary(f, cur, mask, cur + PT_PAGE);
	}
	return v != cur ? v : fz_boundary(f, cur, mask, cur ^ 1);
}

static bool info_poke(struct fz *f, uint64_t gpa, const struct info_field *fl, const char *name)
{
	uint64_t cur, end;

	if (__builtin_add_overflow(gpa, fl->size, &end) || !fz_mem_read(f, gpa, fl->size, &cur) ||
	    !fz_mem_write(f, gpa, fl->size, info_value(f, fl->kind, cur, fz_size_mask(fl->size))))
		return false;
	return fz_record(f, FUZZ_BOOTINFO, "%s", name);
}

/* Entry i < min(max(count, 1), slots) of the table at `table`. */
static bool info_entry(struct fz *f, const char *what, uint64_t table, uint64_t count,
		       unsigned slots, size_t esize)
{
	unsigned i = fz_pick(f, count == 0 ? 1 : count < slots ? (unsigned)count : slots);
	const struct info_field *fl = &map_fields[fz_pick(f, N(map_fields))];
	uint64_t gpa;
	char name[48];

	if (__builtin_add_overflow(table, i * esize + fl->off, &gpa))
		return false;
	snprintf(name, sizeof(name), "%s.%u.%s", what, i, fl->name);
	return info_poke(f, gpa, fl, name);
}

static bool apply_bootparams(struct fz *f, gpa_t zp)
{
	unsigned k = fz_pick(f, N(loadflags) + N(bp_fields) + 1);
	uint64_t v;
	char name[48];

	if (k < N(loadflags)) {
		gpa_t at = zp + offsetof(struct boot_params, hdr.loadflags);

		if (!fz_mem_read(f, at, 1, &v) || !fz_mem_write(f, at, 1, v ^ loadflags[k].bit))
			return false;
		return fz_record(f, FUZZ_BOOTINFO, "bootparams.loadflags.%s", loadflags[k].name);
	}
	k -= N(loadflags);
	if (k < N(bp_fields)) {
		snprintf(name, sizeof(name), "bootparams.%s", bp_fields[k].name);
		return info_poke(f, zp + bp_fields[k].off, &bp_fields[k], name);
	}
	if (!fz_mem_read(f, zp + offsetof(struct boot_params, e820_entries), 1, &v))
		return false;
	return info_entry(f, "bootparams.e820", zp + offsetof(struct boot_params, e820_table), v,
			  E820_MAX_ENTRIES_ZEROPAGE, sizeof(struct boot_e820_entry));
}

static bool apply_hvm(struct fz *f, gpa_t si)
{
	unsigned k = fz_pick(f, N(hvm_fields) + 1);
	uint64_t table, n;
	char name[48];

	if (k < N(hvm_fields)) {
		snprintf(name, sizeof(name), "hvm_start_info.%s", hvm_fields[k].name);
		return info_poke(f, si + hvm_fields[k].off, &hvm_fields[k], name);
	}
	if (!fz_mem_read(f, si + offsetof(struct hvm_start_info, memmap_paddr), 8, &table) ||
	    !fz_mem_read(f, si + offsetof(struct hvm_start_info, memmap_entries), 4, &n))
		return false;
	return info_entry(f, "hvm_start_info.memmap", table, n, MEMMAP_MAX,
			  sizeof(struct hvm_memmap_table_entry));
}

bool fz_apply_bootinfo(struct fz *f)
{
	return f->st->proto == BOOT_PVH ? apply_hvm(f, f->t->info) : apply_bootparams(f, f->t->info);
}
