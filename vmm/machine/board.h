/* board.h: the PC devices vmm emulates and where each sits on the buses (KVM-free; the machine and the bus fuzz target share it). */
#ifndef VMM_MACHINE_BOARD_H
#define VMM_MACHINE_BOARD_H

#include <stdbool.h>

#include "devices/acpi_pm.h"
#include "devices/boot_timer.h"
#include "devices/bus.h"
#include "devices/debug_exit.h"
#include "devices/debug_port.h"
#include "devices/i8042.h"
#include "devices/nmi_sc.h"
#include "devices/rtc_cmos.h"
#include "devices/uart8250.h"

struct board {
	struct uart8250 uart;
	struct i8042 i8042;
	struct nmi_sc nmi_sc;
	struct debug_exit debug_exit;
	struct rtc_cmos rtc;
	struct boot_timer boot_timer;
	struct debug_port debug_port;
	struct acpi_pm pm; /* with ACPI: PM1 registers and the reset register */
};

/* What each device calls back into: the machine, or a test's fakes. */
struct board_host {
	struct uart8250_host uart;
	struct i8042_host i8042;
	struct nmi_sc_host nmi_sc;
	struct debug_exit_host debug_exit;
	struct rtc_cmos_host rtc;
	struct boot_timer_host boot_timer;
	struct debug_port_host debug_port;
	struct acpi_pm_host pm;
};

/* Every device in its power-on state, calling back into `h`. */
void board_reset(struct board *b, const struct board_host *h);
/* Put every device at its ports and MMIO range (vmm/layout.h) on empty buses; the ACPI
 * fixed hardware only with `acpi`. 0 or bus_add()'s error. */
int board_wire(struct board *b, struct bus *pio, struct bus *mmio, bool acpi);

#endif
