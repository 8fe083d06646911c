/* board.c: the PC devices' power-on state and their places on the port and MMIO buses, defined once. */
#include "vmm/machine/board.h"

#include <stddef.h>
#include <stdint.h>

#include "vmm/layout.h"

void board_reset(struct board *b, const struct board_host *h)
{
	uart8250_init(&b->uart, &h->uart);
	i8042_init(&b->i8042, &h->i8042);
	nmi_sc_init(&b->nmi_sc, &h->nmi_sc);
	debug_exit_init(&b->debug_exit, &h->debug_exit);
	rtc_cmos_init(&b->rtc, &h->rtc);
	boot_timer_init(&b->boot_timer, &h->boot_timer);
	debug_port_init(&b->debug_port, &h->debug_port);
	acpi_pm_init(&b->pm, &h->pm);
}

/* One range of the board: the bus, where, how long, the device's ops. */
struct board_slot {
	bool mmio, acpi_only;
	uint64_t base, len;
	const struct bus_ops *ops;
	size_t dev; /* offset of the device in struct board */
};

#define SLOT(mm, acpi, base, len, ops, dev) { mm, acpi, base, len, &ops, offsetof(struct board, dev) }
static const struct board_slot slots[] = {
	SLOT(false, false, LAYOUT_COM1_PORT, 8, uart8250_ops, uart),
	SLOT(false, false, LAYOUT_I8042_DATA_PORT, 1, i8042_data_ops, i8042),
	SLOT(false, false, LAYOUT_I8042_CMD_PORT, 1, i8042_cmd_ops, i8042),
	SLOT(false, false, LAYOUT_NMI_SC_PORT, 1, nmi_sc_ops, nmi_sc),
	SLOT(false, false, LAYOUT_DEBUG_EXIT_PORT, LAYOUT_DEBUG_EXIT_LEN, debug_exit_ops, debug_exit),
	SLOT(false, false, LAYOUT_RTC_PORT, LAYOUT_RTC_LEN, rtc_cmos_ops, rtc),
	SLOT(false, false, LAYOUT_BOOT_TIMER_PORT, 1, boot_timer_port_ops, boot_timer),
	SLOT(false, false, LAYOUT_DEBUG_PORT, 1, debug_port_ops, debug_port),
	SLOT(true, false, LAYOUT_BOOT_TIMER_MMIO, LAYOUT_BOOT_TIMER_LEN, boot_timer_mmio_ops, boot_timer),
	SLOT(true, false, LAYOUT_BOOT_TIMER_MMIO_NOW, LAYOUT_BOOT_TIMER_LEN, boot_timer_mmio_ops,
	     boot_timer),
	/* The fixed hardware the FADT describes (vmm/acpi_place.c). */
	SLOT(false, true, LAYOUT_PM1A_EVT_PORT, ACPI_PM1_EVT_LEN, acpi_pm1_evt_ops, pm),
	SLOT(false, true, LAYOUT_PM1A_CNT_PORT, ACPI_PM1_CNT_LEN, acpi_pm1_cnt_ops, pm),
	SLOT(false, true, LAYOUT_RESET_PORT, 1, acpi_reset_ops, pm),
};

int board_wire(struct board *b, struct bus *pio, struct bus *mmio, bool acpi)
{
	int r = 0;

	bus_init(pio);
	bus_init(mmio);
	for (size_t i = 0; r == 0 && i < sizeof(slots) / sizeof(slots[0]); i++) {
		const struct board_slot *s = &slots[i];

		if (!s->acpi_only || acpi)
			r = bus_add(s->mmio ? mmio : pio, s->base, s->len, s->ops, (uint8_t *)b + s->dev);
	}
	return r;
}
