/* debug_regs.c: the DR6 a guest must see for a #DB that vmm hands back to it. */
#include "vmm/debug_regs.h"

uint64_t dr6_after_guest_db(uint64_t dr6, uint64_t exit_dr6)
{
	uint64_t active_low = DR6_BLD | DR6_RTM;

	dr6 &= DR6_LOW_32 & ~DR6_B0_B3;
	dr6 |= exit_dr6 & (DR6_BD | DR6_BS | DR6_BT);
	return dr6 & ~(active_low & ~exit_dr6);
}
