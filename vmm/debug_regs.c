/* debug_regs.c: the DR6 a guest must see for a #DB that vmm hands back to it. */
#include "vmm/debug_regs.h"

uint64_t dr6_after_guest_db(uint64_t dr6, uint64_t exit_dr6)
{
	dr6 &= DR6_LOW_32 & ~DR6_B0_B3;
	dr6 |= exit_dr6 & (DR6_BD | DR6_BS | DR6_BT);
	/* RTM: cleared by a #DB inside an RTM region, set by any other; BLD: cleared by a
	 * bus-lock #DB, left alone by the others (SDM Vol. 3B §18.2.3). */
	dr6 = (dr6 & ~DR6_RTM) | (exit_dr6 & DR6_RTM);
	return dr6 & ~(DR6_BLD & ~exit_dr6);
}
