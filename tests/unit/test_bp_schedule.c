/* test_bp_schedule.c: the 4-register re-arming schedule: phases in order, skipped points, the initcall entry/return pair. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "mmu/err.h"
#include "vmm/profile/bp_schedule.h"

/* entry64, start_kernel, rest_init, kernel_init, do_initcalls start (4)
 * and end (5), run_init_process. */
static const uint64_t PH[] = { 0x100, 0x200, 0x300, 0x400, 0x500, 0x600, 0x700 };
#define NPH 7u
#define INITCALL 0x9000ull

static struct bp_schedule s;

TestSuite(bp_schedule, .init = err_clear);

static void expect_armed(const uint64_t *want, unsigned n)
{
	struct bp_set set;

	bp_schedule_arm(&s, &set);
	cr_assert_eq(set.n, n, "armed %u, want %u", set.n, n);
	for (unsigned i = 0; i < n; i++)
		cr_assert_eq(set.addr[i], want[i], "slot %u: %#lx, want %#lx", i,
			     (unsigned long)set.addr[i], (unsigned long)want[i]);
}

#define ARMED(...)                                                       \
	expect_armed((const uint64_t[]){ __VA_ARGS__ },                   \
		     sizeof((const uint64_t[]){ __VA_ARGS__ }) / sizeof(uint64_t))

static struct bp_hit hit_ok(uint64_t rip)
{
	struct bp_hit h;

	cr_assert_eq(bp_schedule_hit(&s, rip, &h), 0, "hit at %#lx", (unsigned long)rip);
	return h;
}

Test(bp_schedule, few_points_all_armed)
{
	cr_assert_eq(bp_schedule_init(&s, PH, 2), 0);
	ARMED(0x100, 0x200);
	cr_assert_not(bp_schedule_done(&s));
	hit_ok(0x100);
	ARMED(0x200);
	hit_ok(0x200);
	cr_assert(bp_schedule_done(&s));
	expect_armed(NULL, 0);
}

Test(bp_schedule, phases_slide_through_four_slots)
{
	struct bp_hit h;

	cr_assert_eq(bp_schedule_init(&s, PH, NPH), 0);
	ARMED(0x100, 0x200, 0x300, 0x400);
	h = hit_ok(0x100);
	cr_assert_eq(h.kind, BP_HIT_PHASE);
	cr_assert_eq(h.phase, 0);
	cr_assert_eq(h.skipped, 0);
	ARMED(0x200, 0x300, 0x400, 0x500);
	h = hit_ok(0x400);
	cr_assert_eq(h.phase, 3);
	cr_assert_eq(h.skipped, 2, "rest_init and start_kernel passed unseen");
	ARMED(0x500, 0x600, 0x700);
	hit_ok(0x500);
	hit_ok(0x600);
	hit_ok(0x700);
	cr_assert(bp_schedule_done(&s));
}

Test(bp_schedule, stale_hits_are_refused)
{
	struct bp_hit h;

	cr_assert_eq(bp_schedule_init(&s, PH, NPH), 0);
	cr_assert_eq(bp_schedule_initcalls(&s, INITCALL, 4, 5), 0);
	cr_assert_eq(bp_schedule_hit(&s, 0x700, &h), -ENOENT, "not armed yet");
	cr_assert_eq(bp_schedule_hit(&s, INITCALL, &h), -ENOENT, "before do_initcalls");
	hit_ok(0x200);
	cr_assert_eq(bp_schedule_hit(&s, 0x100, &h), -ENOENT, "already passed");
	cr_assert_eq(bp_schedule_hit(&s, 0x12345, &h), -ENOENT);
	ARMED(0x300, 0x400, 0x500, 0x600);
}

Test(bp_schedule, initcall_pair_inside_do_initcalls)
{
	struct bp_hit h;

	cr_assert_eq(bp_schedule_init(&s, PH, NPH), 0);
	cr_assert_eq(bp_schedule_initcalls(&s, INITCALL, 4, 5), 0);
	hit_ok(0x400);
	ARMED(0x500, 0x600, 0x700);
	bp_schedule_enter(&s, 0x1234); /* outside do_initcalls: ignored */
	ARMED(0x500, 0x600, 0x700);
	h = hit_ok(0x500);
	cr_assert_eq(h.phase, 4);
	ARMED(INITCALL, 0x600, 0x700);
	for (unsigned i = 0; i < 3; i++) {
		h = hit_ok(INITCALL);
		cr_assert_eq(h.kind, BP_HIT_INITCALL);
		bp_schedule_enter(&s, 0x8888);
		ARMED(INITCALL, 0x8888, 0x600, 0x700);
		h = hit_ok(0x8888);
		cr_assert_eq(h.kind, BP_HIT_INITCALL_RET);
		ARMED(INITCALL, 0x600, 0x700);
	}
	hit_ok(INITCALL);
	bp_schedule_enter(&s, 0x8888);
	h = hit_ok(0x600);
	cr_assert_eq(h.kind, BP_HIT_PHASE);
	cr_assert_eq(h.phase, 5, "do_initcalls ends inside an initcall");
	ARMED(0x700);
	cr_assert_eq(bp_schedule_hit(&s, 0x8888, &h), -ENOENT, "the pair is dropped");
	cr_assert_eq(bp_schedule_hit(&s, INITCALL, &h), -ENOENT);
}

Test(bp_schedule, initcall_window_entered_by_skipping)
{
	cr_assert_eq(bp_schedule_init(&s, PH, NPH), 0);
	cr_assert_eq(bp_schedule_initcalls(&s, INITCALL, 4, 6), 0);
	hit_ok(0x100);
	hit_ok(0x200);
	hit_ok(0x300);
	ARMED(0x400, 0x500, 0x600, 0x700);
	hit_ok(0x500); /* the start point, with kernel_init unseen */
	ARMED(INITCALL, 0x600, 0x700);
	hit_ok(0x600); /* a --phase point inside do_initcalls */
	ARMED(INITCALL, 0x700);
	hit_ok(0x700);
	expect_armed(NULL, 0);
}

Test(bp_schedule, never_more_than_four)
{
	uint64_t many[BP_MAX_PHASES];
	struct bp_set set;

	for (unsigned i = 0; i < BP_MAX_PHASES; i++)
		many[i] = 0x1000 + i;
	cr_assert_eq(bp_schedule_init(&s, many, BP_MAX_PHASES), 0);
	cr_assert_eq(bp_schedule_initcalls(&s, INITCALL, 0, BP_MAX_PHASES - 1), 0);
	for (unsigned i = 0; i < BP_MAX_PHASES; i++) {
		hit_ok(many[i]);
		if (i + 1 < BP_MAX_PHASES) {
			hit_ok(INITCALL);
			bp_schedule_enter(&s, 0x8000 + i);
		}
		bp_schedule_arm(&s, &set);
		cr_assert_leq(set.n, BP_SLOTS);
	}
	cr_assert(bp_schedule_done(&s));
}

Test(bp_schedule, rejects_bad_points)
{
	uint64_t dup[] = { 0x100, 0x200, 0x100 }, zero[] = { 0x100, 0 };

	cr_assert_eq(bp_schedule_init(&s, PH, BP_MAX_PHASES + 1), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "at most 32"), "%s", err_msg());
	cr_assert_eq(bp_schedule_init(&s, dup, 3), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "0 and 2"), "%s", err_msg());
	cr_assert_eq(bp_schedule_init(&s, zero, 2), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "point 1"), "%s", err_msg());
	cr_assert_eq(bp_schedule_init(&s, PH, NPH), 0);
	cr_assert_eq(bp_schedule_initcalls(&s, INITCALL, 5, 5), -EINVAL);
	cr_assert_eq(bp_schedule_initcalls(&s, INITCALL, 4, NPH), -EINVAL);
	cr_assert_eq(bp_schedule_initcalls(&s, 0, 4, 5), -EINVAL);
	cr_assert_eq(bp_schedule_initcalls(&s, 0x300, 4, 5), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "phase point 2"), "%s", err_msg());
}
