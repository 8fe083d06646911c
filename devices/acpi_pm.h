/* acpi_pm.h: ACPI fixed hardware of a PC: the PM1a event and control blocks, and the 0xcf9 reset register. */
#ifndef VMM_ACPI_PM_H
#define VMM_ACPI_PM_H

#include <stdint.h>

#include "devices/bus.h"

/* Block lengths the FADT gives (ACPI 6.5 §4.8.3.1, §4.8.3.2). */
#define ACPI_PM1_EVT_LEN 4 /* PM1 status (2 bytes), then PM1 enable (2 bytes) */
#define ACPI_PM1_CNT_LEN 2
/* PM1 control bits (ACPI 6.5 Table 4.13): SCI_EN, SLP_TYP[12:10], SLP_EN. */
#define ACPI_PM1_CNT_SCI_EN (1u << 0)
#define ACPI_PM1_CNT_SLP_TYP_SHIFT 10
#define ACPI_PM1_CNT_SLP_TYP_MASK (7u << ACPI_PM1_CNT_SLP_TYP_SHIFT)
#define ACPI_PM1_CNT_SLP_EN (1u << 13)
/* Reset Control Register at port 0xcf9 (Intel ICH/PCH datasheets, "RST_CNT"):
 * SYS_RST bit 1 (hard reset), RST_CPU bit 2 (a 0->1 write resets). */
#define ACPI_RST_CNT_SYS_RST (1u << 1)
#define ACPI_RST_CNT_RST_CPU (1u << 2)
/* The value the FADT's RESET_VALUE writes: a full reset, as QEMU's PCs use. */
#define ACPI_RESET_VALUE (ACPI_RST_CNT_SYS_RST | ACPI_RST_CNT_RST_CPU)

struct acpi_pm_host {
	/* The guest set SLP_EN with sleep type `slp_typ` (the DSDT's \_Sx value). */
	void (*sleep)(void *ctx, unsigned slp_typ);
	/* The guest wrote RST_CPU to the reset register. */
	void (*reset)(void *ctx);
	void *ctx;
};

struct acpi_pm {
	struct acpi_pm_host host;
	uint16_t status, enable; /* PM1 status (write 1 to clear) and enable */
	uint16_t control;	 /* PM1 control without SLP_EN (write-only) */
	uint8_t rst_cnt;	 /* reset register, RST_CPU reads as 0 */
};

/* Power-on state: no event pending, SCI_EN set (ACPI mode only: the FADT has no SMI_CMD). */
void acpi_pm_init(struct acpi_pm *pm, const struct acpi_pm_host *host);

/* The PM1a event block (ACPI_PM1_EVT_LEN bytes), the PM1a control block
 * (ACPI_PM1_CNT_LEN bytes) and the 1-byte reset register; accesses of any
 * width inside a block, bytes beyond it read all-ones. */
extern const struct bus_ops acpi_pm1_evt_ops;
extern const struct bus_ops acpi_pm1_cnt_ops;
extern const struct bus_ops acpi_reset_ops;

#endif
