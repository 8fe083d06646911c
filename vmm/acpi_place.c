/* acpi_place.c: fills struct acpi_hw from the layout, writes the tables, and points boot_params or hvm_start_info at the RSDP. */
#include "vmm/acpi_place.h"

#include "devices/acpi_pm.h"
#include "devices/rtc_cmos.h"
#include "loader/bootparams.h"
#include "loader/pvh.h"
#include "vmm/layout.h"

/* boot.rst: acpi_rsdp_addr is read from protocol 2.14 on. */
#define PROTOCOL_RSDP_ADDR 0x020e

void acpi_place_hw(struct acpi_hw *hw, unsigned ncpus)
{
	*hw = (struct acpi_hw){
		.ncpus = ncpus,
		.lapic_addr = LAYOUT_LAPIC,
		.ioapic_addr = LAYOUT_IOAPIC,
		.ioapic_id = LAYOUT_IOAPIC_ID,
		.pm1a_evt_port = LAYOUT_PM1A_EVT_PORT,
		.pm1a_cnt_port = LAYOUT_PM1A_CNT_PORT,
		.sci_irq = LAYOUT_SCI_IRQ,
		.reset_port = LAYOUT_RESET_PORT,
		.reset_value = ACPI_RESET_VALUE,
		.s5_slp_typ = LAYOUT_ACPI_S5_SLP_TYP,
		.century = RTC_CENTURY,
	};
}

int acpi_place(struct guest_mem *gm, const struct entry_state *st, uint16_t protocol,
	       unsigned ncpus, struct acpi_tables *out)
{
	struct acpi_hw hw;
	int r;

	acpi_place_hw(&hw, ncpus);
	r = acpi_build(gm, LAYOUT_ACPI, LAYOUT_ACPI_END, &hw, out);
	if (r < 0)
		return r;
	if (st->proto == BOOT_PVH)
		return pvh_set_rsdp(gm, LAYOUT_PVH_START_INFO, out->rsdp);
	if (protocol >= PROTOCOL_RSDP_ADDR)
		return bootparams_set_rsdp(gm, LAYOUT_ZERO_PAGE, out->rsdp);
	return 0;
}
