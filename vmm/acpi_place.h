/* acpi_place.h: the machine's ACPI tables at LAYOUT_ACPI and the boot information's pointer to them. */
#ifndef VMM_ACPI_PLACE_H
#define VMM_ACPI_PLACE_H

#include <stdint.h>

#include "loader/acpi.h"
#include "vmm/boot.h"

/* The hardware vmm emulates, as the tables describe it, for `ncpus` vCPUs. */
void acpi_place_hw(struct acpi_hw *hw, unsigned ncpus);

/*
 * Write the tables for `ncpus` vCPUs at LAYOUT_ACPI (inside the reserved BIOS
 * area of the e820 map) and give the RSDP's address to the kernel: PVH in
 * hvm_start_info.rsdp_paddr, the other paths in boot_params.acpi_rsdp_addr
 * when the header's `protocol` is 2.14 or later (older kernels find the RSDP
 * by its search of 0xe0000-0xfffff). 0 or a negative errno with err_msg().
 */
int acpi_place(struct guest_mem *gm, const struct entry_state *st, uint16_t protocol,
	       unsigned ncpus, struct acpi_tables *out);

#endif
