/* test_sandbox_rules.c: the seccomp rule shapes, loaded into the kernel in a child: munmap() of guest RAM refused wherever RAM lies. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmm/sandbox_rules.h"

#define REFUSED 77 /* the errno the test filter answers with */
#define GIB (1ULL << 30)
#define PAGE 4096ULL

/* The rules under test, added to a filter whose default answer is errno REFUSED. */
typedef int (*add_rules_fn)(scmp_filter_ctx ctx, const uint64_t *arg);

/* A child loads such a filter (exit_group() allowed too) and makes system call `nr` with A0 =
 * `a0`, A1 = one page (munmap() probes inside a PROT_NONE reservation: harmless where
 * allowed). Its status: 1 refused by the filter, 0 let through, 3 no filter. */
static int call_in_filtered_child(add_rules_fn add, const uint64_t *arg, long nr, uint64_t a0)
{
	pid_t pid = fork();
	int st;

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(REFUSED));

		if (!ctx || seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(exit_group), 0) ||
		    add(ctx, arg) || seccomp_load(ctx))
			syscall(SYS_exit_group, 3);
		long r = syscall(nr, a0, PAGE);
		syscall(SYS_exit_group, r < 0 && errno == REFUSED ? 1 : 0);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st), "child died, status %#x", st);
	return WEXITSTATUS(st);
}

static int add_outside_ram(scmp_filter_ctx ctx, const uint64_t *ram)
{
	return sandbox_allow_a0_outside(ctx, SCMP_SYS(munmap), ram[0], ram[1], NULL);
}

static int munmap_in_child(uint64_t ram, uint64_t size, uint64_t probe)
{
	const uint64_t arg[2] = { ram, size };

	return call_in_filtered_child(add_outside_ram, arg, SYS_munmap, probe);
}

static void expect_guarded(uint64_t ram, uint64_t size)
{
	cr_expect_eq(munmap_in_child(ram, size, ram - PAGE), 0, "below RAM at %#llx", (unsigned long long)ram);
	cr_expect_eq(munmap_in_child(ram, size, ram), 1, "start of RAM at %#llx", (unsigned long long)ram);
	cr_expect_eq(munmap_in_child(ram, size, ram + size / 2), 1, "middle of RAM at %#llx",
		     (unsigned long long)ram);
	cr_expect_eq(munmap_in_child(ram, size, ram + size - PAGE), 1, "last page of RAM at %#llx",
		     (unsigned long long)ram);
	cr_expect_eq(munmap_in_child(ram, size, ram + size), 0, "above RAM at %#llx", (unsigned long long)ram);
}

/* RAM placed across a 4 GiB boundary, where libseccomp's own A0 < start and
 * A0 >= end rules let munmap(start) through (seen in CI: the guest's RAM unmapped). */
Test(sandbox_rules, munmap_of_ram_refused_across_4g_boundaries)
{
	uint64_t sizes[] = { 256ULL << 20, GIB, 3 * GIB, 8 * GIB };
	size_t reserve = 24 * GIB;
	char *base = mmap(NULL, reserve, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	cr_assert_neq(base, MAP_FAILED);
	/* 8 GiB and a page of the reservation below the boundary, at least 12 GiB above it */
	uint64_t boundary = ((uint64_t)(uintptr_t)base + 8 * GIB + PAGE + 4 * GIB - 1) & ~(4 * GIB - 1);

	srandom(7);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		/* straddling, ending at, starting at the boundary, and random pages around it */
		expect_guarded(boundary - sizes[i] / 2, sizes[i]);
		expect_guarded(boundary - sizes[i], sizes[i]);
		expect_guarded(boundary, sizes[i]);
		for (int k = 0; k < 4; k++)
			expect_guarded(boundary - PAGE * (1 + (uint64_t)random() % (sizes[i] / PAGE)), sizes[i]);
	}
	munmap(base, reserve);
}

Test(sandbox_rules, empty_or_wrapping_range_is_an_error)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL);

	cr_assert_not_null(ctx);
	cr_expect_lt(sandbox_allow_a0_outside(ctx, SCMP_SYS(munmap), 0x1000, 0, NULL), 0);
	cr_expect_lt(sandbox_allow_a0_outside(ctx, SCMP_SYS(munmap), UINT64_MAX - 0xfff, 0x2000, NULL), 0);
	seccomp_release(ctx);
}

static int add_fds_11_to_29(scmp_filter_ctx ctx, const uint64_t *arg)
{
	(void)arg;
	return sandbox_allow_fds(ctx, SCMP_SYS(close), 11, 29, SANDBOX_ANY_A1);
}

Test(sandbox_rules, descriptor_range_allows_exactly_its_descriptors)
{
	for (int fd = 0; fd < 40; fd++)
		cr_expect_eq(call_in_filtered_child(add_fds_11_to_29, NULL, SYS_close, (uint64_t)fd),
			     fd >= 11 && fd <= 29 ? 0 : 1, "close(%d)", fd);
}
