/* debug_regs.h: the debug-register bits vmm reads and sets (SDM Vol. 3B §18.2), and the DR6 a guest must see for a #DB that vmm hands back to it. */
#ifndef VMM_DEBUG_REGS_H
#define VMM_DEBUG_REGS_H

#include <stdint.h>

/* DR6 (SDM Vol. 3B §18.2.3, Figure 18-1). */
#define DR6_B0_B3 0xfULL	   /* breakpoint conditions met (DR0-DR3) */
#define DR6_BLD (1ULL << 11)	   /* bus-lock detected: active low */
#define DR6_BD (1ULL << 13)	   /* debug-register access detected */
#define DR6_BS (1ULL << 14)	   /* single step */
#define DR6_BT (1ULL << 15)	   /* task switch */
#define DR6_RTM (1ULL << 16)	   /* #DB inside an RTM region: active low */
#define DR6_LOW_32 0xffffffffULL   /* bits 63:32 are reserved and must be zero */

/* DR7 (SDM Vol. 3B §18.2.4): L0-L3 are bits 0, 2, 4, 6; R/W and LEN 0 (bits 16-31) make
 * each an instruction breakpoint. */
#define DR7_LOCAL_ENABLE(i) (1ULL << (2 * (i)))

/*
 * The guest's DR6 after a #DB that exited to vmm (KVM_EXIT_DEBUG, whose DR6 is `exit_dr6`)
 * and goes back to the guest: what the processor would have left there had the guest taken
 * it itself. KVM_GUESTDBG_INJECT_DB queues the #DB with no DR6 bits, so a guest's single step
 * would otherwise read DR6 without BS. "Certain debug exceptions may clear bits 0-3. The
 * remaining contents of the DR6 register are never cleared by the processor" (§18.2.3):
 * B0-B3 are cleared (while vmm debugs, DR0-DR3 are vmm's breakpoints, not the guest's),
 * BD, BS and BT are set as the exit reports them, RTM (active low) is the exit's, and BLD
 * (active low) is cleared if the exit reports it clear.
 */
uint64_t dr6_after_guest_db(uint64_t dr6, uint64_t exit_dr6);

#endif
