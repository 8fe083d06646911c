/* dirty_log.c: fuzz mode's log of the guest's writes to RAM: KVM's dirty ring per vCPU where it has one, else its bitmap per slot (cleared by vmm, page by page, with --hot-pages). */
#include "vmm/kvm/kvm_private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mmu/err.h"
#include "mmu/guest_mem.h"

#define PAGE_SHIFT 12

int vm_dirty_ring_enable(struct vm *vm, unsigned ncpus, uint32_t max_bytes)
{
	int most = ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_DIRTY_LOG_RING);
	struct kvm_enable_cap cap = { .cap = KVM_CAP_DIRTY_LOG_RING };
	uint32_t bytes = max_bytes;

	/* One vCPU: its own thread collects the ring at a full-ring exit, alone. */
	if (most <= 0 || ncpus != 1 || !max_bytes)
		return 0;
	if ((uint32_t)most < bytes)
		bytes = (uint32_t)most;
	while (bytes & (bytes - 1)) /* a power of two (api.rst) */
		bytes &= bytes - 1;
	cap.args[0] = bytes;
	if (ioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap) < 0)
		return kvm_sys_fail("KVM_ENABLE_CAP(KVM_CAP_DIRTY_LOG_RING)");
	vm->ring_bytes = bytes;
	return 0;
}

int vm_dirty_log_manual(struct vm *vm)
{
	int have = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2);
	struct kvm_enable_cap cap = { .cap = KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2,
				      .args = { KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE } };

	if (vm->ring_bytes)
		return errf(-EINVAL, "--hot-pages needs KVM's dirty bitmap, not its ring");
	if (have <= 0 || !(have & KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE))
		return errf(-ENOTSUP, "--hot-pages: this KVM has no KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2");
	if (ioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap) < 0)
		return kvm_sys_fail("KVM_ENABLE_CAP(KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2)");
	vm->manual_protect = true;
	return 0;
}

int vm_dirty_reprotect(struct vm *vm, unsigned slot, const uint64_t *pages, uint64_t n)
{
	uint64_t *bits = slot < DIRTY_SLOTS ? vm->log_bitmap[slot] : NULL;
	uint64_t size = slot < DIRTY_SLOTS ? vm->dirty.size[slot] : 0;
	struct kvm_clear_dirty_log d = { .slot = slot, .num_pages = (uint32_t)size,
					 .first_page = 0, .dirty_bitmap = bits };

	if (!vm->manual_protect || !bits || size > UINT32_MAX)
		return errf(-EINVAL, "no manual dirty log for slot %u", slot);
	if (n == 0)
		return 0;
	memset(bits, 0, (size / 64 + 1) * sizeof(*bits));
	for (uint64_t i = 0; i < n; i++)
		if (pages[i] < size)
			bits[pages[i] / 64] |= 1ULL << (pages[i] % 64);
	/* The whole slot: first_page 0 and num_pages its size satisfy KVM's 64-page alignment. */
	if (ioctl(vm->vm_fd, KVM_CLEAR_DIRTY_LOG, &d) < 0)
		return kvm_sys_fail("KVM_CLEAR_DIRTY_LOG");
	return 0;
}

int vcpu_map_dirty_ring(struct vcpu *c)
{
	struct vm *vm = c->vm;
	long page = sysconf(_SC_PAGESIZE);
	void *p;

	if (!vm->ring_bytes)
		return 0;
	if (vm->nrings >= VM_MAX_RINGS || page <= 0)
		return errf(-EINVAL, "a dirty ring for vCPU %u: at most %d", c->index, VM_MAX_RINGS);
	p = mmap(NULL, vm->ring_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd,
		 (off_t)KVM_DIRTY_LOG_PAGE_OFFSET * page);
	if (p == MAP_FAILED)
		return kvm_sys_fail("mmap(dirty ring)");
	c->ring = (struct dirty_ring){ .gfns = p,
				       .entries = vm->ring_bytes / sizeof(struct kvm_dirty_gfn) };
	vm->rings[vm->nrings++] = &c->ring;
	return 0;
}

int vm_dirty_log_start(struct vm *vm, const struct guest_mem *gm)
{
	struct kvm_userspace_memory_region r[DIRTY_SLOTS] = {
		{ .slot = 0, .flags = KVM_MEM_LOG_DIRTY_PAGES, .memory_size = gm_low_size(gm),
		  .userspace_addr = (uintptr_t)gm->hva },
		{ .slot = 1, .flags = KVM_MEM_LOG_DIRTY_PAGES, .guest_phys_addr = GM_HIGH_BASE,
		  .memory_size = gm_high_size(gm),
		  .userspace_addr = (uintptr_t)(gm->hva + gm_low_size(gm)) },
	};
	uint64_t pages[DIRTY_SLOTS] = { r[0].memory_size >> PAGE_SHIFT,
					r[1].memory_size >> PAGE_SHIFT };

	if (dirty_set_init(&vm->dirty, pages) < 0)
		return errf(-ENOMEM, "out of memory");
	for (unsigned s = 0; s < DIRTY_SLOTS && !vm->ring_bytes; s++) {
		vm->log_bitmap[s] = calloc(pages[s] / 64 + 1, sizeof(uint64_t));
		if (!vm->log_bitmap[s])
			return errf(-ENOMEM, "out of memory");
	}
	for (unsigned i = 0; i < DIRTY_SLOTS; i++)
		if (r[i].memory_size && ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r[i]) < 0)
			return kvm_sys_fail("KVM_SET_USER_MEMORY_REGION (dirty log)");
	return 0;
}

/* The pages vm_dirty_pages() handed out were taken back: forget them before more come. */
static void forget_handed(struct vm *vm)
{
	for (unsigned s = 0; s < DIRTY_SLOTS; s++)
		if (vm->handed[s]) {
			dirty_set_clear(&vm->dirty, s);
			vm->handed[s] = false;
		}
}

int vm_dirty_ring_harvest(struct vm *vm)
{
	uint32_t n = 0;

	forget_handed(vm);
	for (unsigned i = 0; i < vm->nrings; i++)
		n += dirty_ring_collect(vm->rings[i], &vm->dirty);
	if (n && ioctl(vm->vm_fd, KVM_RESET_DIRTY_RINGS, 0) < 0)
		return kvm_sys_fail("KVM_RESET_DIRTY_RINGS");
	return 0;
}

/* KVM's bitmap of the slot (which it clears, unless vm_dirty_log_manual()) into vm->dirty. */
static int read_bitmap(struct vm *vm, unsigned slot)
{
	uint64_t *bits = vm->log_bitmap[slot];
	struct kvm_dirty_log d = { .slot = slot, .dirty_bitmap = bits };

	if (ioctl(vm->vm_fd, KVM_GET_DIRTY_LOG, &d) < 0)
		return kvm_sys_fail("KVM_GET_DIRTY_LOG");
	for (uint64_t w = 0; w <= vm->dirty.size[slot] / 64; w++)
		for (uint64_t b = bits[w]; b; b &= b - 1)
			dirty_set_add(&vm->dirty, slot, w * 64 + (uint64_t)__builtin_ctzll(b));
	return 0;
}

int vm_dirty_pages(struct vm *vm, unsigned slot, const uint64_t **pages, uint64_t *n)
{
	int r;

	*pages = NULL;
	*n = 0;
	if (slot >= DIRTY_SLOTS || !vm->dirty.pages[slot])
		return errf(-EINVAL, "no dirty log for slot %u", slot);
	forget_handed(vm);
	if (!vm->dirty.size[slot])
		return 0;
	r = vm->ring_bytes ? vm_dirty_ring_harvest(vm) : read_bitmap(vm, slot);
	if (r < 0)
		return r;
	vm->handed[slot] = true;
	*pages = vm->dirty.pages[slot];
	*n = vm->dirty.n[slot];
	return 0;
}

uint32_t vm_dirty_ring_entries(const struct vm *vm)
{
	return vm->ring_bytes / (uint32_t)sizeof(struct kvm_dirty_gfn);
}

uint64_t vm_dirty_ring_full_exits(const struct vm *vm)
{
	return vm->ring_full_exits;
}

void vm_dirty_log_free(struct vm *vm)
{
	for (unsigned s = 0; s < DIRTY_SLOTS; s++)
		free(vm->log_bitmap[s]);
	dirty_set_free(&vm->dirty);
}
