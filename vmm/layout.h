/* layout.h: the guest-physical memory map the VMM uses; every fixed address is named here once. */
#ifndef VMM_LAYOUT_H
#define VMM_LAYOUT_H

/*
 * Low memory (below the 640 KiB EBDA), as in Firecracker/cloud-hypervisor
 * (boot-protocol.md §1):
 *   0x00500  boot GDT (5 entries by default; the area reaches 0x6000)
 *   0x06000  PVH: hvm_start_info, then its module list at 0x6040
 *   0x07000  boot_params (the zero page, 4 KiB), or for PVH the memory map
 *   0x08ff0  initial stack top (the kernel switches stacks at once)
 *   0x20000  kernel command line, up to LAYOUT_CMDLINE_MAX bytes with NUL
 *   0x30000  1:1 page tables, up to 0x9d000: above the command line and
 *            below the 2 pages at 0x9d000 that the 64-bit decompressor
 *            borrows for its paging trampoline (find_trampoline_placement():
 *            BIOS start 0x9f000 minus TRAMPOLINE_32BIT_SIZE). Tables that
 *            do not fit there go to the lowest free RAM above 1 MiB
 *            (vmm/load.c); either way the e820 map reserves them.
 * The kernel goes at pref_address (normally 16 MiB), the initrd at the top
 * of low RAM; [3 GiB, 4 GiB) holds no RAM (see guest_mem.h).
 */
#define LAYOUT_GDT 0x500ULL
#define LAYOUT_GDT_END 0x6000ULL
#define LAYOUT_PVH_START_INFO 0x6000ULL
#define LAYOUT_PVH_MODLIST 0x6040ULL
#define LAYOUT_ZERO_PAGE 0x7000ULL
#define LAYOUT_PVH_MEMMAP 0x7000ULL
/* Nothing the kernel brings may go below 1 MiB: the VMM's own structures live there. */
#define LAYOUT_KERNEL_FLOOR 0x100000ULL
#define LAYOUT_STACK_TOP 0x8ff0ULL
#define LAYOUT_PT_BASE 0x30000ULL
/* The 64-bit decompressor's paging trampoline: 2 pages below 0x9f000
 * (arch/x86/boot/compressed/pgtable_64.c, TRAMPOLINE_32BIT_SIZE). */
#define LAYOUT_TRAMPOLINE 0x9d000ULL
#define LAYOUT_TRAMPOLINE_END 0x9f000ULL
#define LAYOUT_PT_END LAYOUT_TRAMPOLINE
#define LAYOUT_CMDLINE 0x20000ULL
#define LAYOUT_CMDLINE_MAX 0x10000ULL

/*
 * KVM_SET_TSS_ADDR needs 3 pages and KVM_SET_IDENTITY_MAP_ADDR 1 page of
 * guest-physical space that is not RAM (Intel real-mode emulation); put
 * them just below the BIOS area at the top of 4 GiB, as kvmtool does.
 */
#define LAYOUT_KVM_IDENTITY_MAP 0xfffbc000ULL
#define LAYOUT_KVM_TSS 0xfffbd000ULL

/* Legacy I/O ports: COM1 and the i8042 (IBM PC/AT assignments). */
#define LAYOUT_COM1_PORT 0x3f8
#define LAYOUT_COM1_IRQ 4
#define LAYOUT_I8042_DATA_PORT 0x60
#define LAYOUT_I8042_CMD_PORT 0x64
/* NMI status and control (PC/AT port B): counter 2's gate and output (devices/nmi_sc.h). */
#define LAYOUT_NMI_SC_PORT 0x61
/* MC146818 RTC/CMOS: index (and NMI mask) at 0x70, data at 0x71 (PC/AT). */
#define LAYOUT_RTC_PORT 0x70
#define LAYOUT_RTC_LEN 2

/* Firecracker's boot timer: guests write 123 to port 0x3f0 (before 2020), MMIO 0xd0000000
 * (some layouts in between) or MMIO 0xc0000000 (BOOT_DEVICE_MEM_START, 4 GiB - 1 GiB, in
 * current releases' arch/x86_64/layout.rs); vmm answers at all three. */
#define LAYOUT_BOOT_TIMER_PORT 0x3f0
#define LAYOUT_BOOT_TIMER_MMIO 0xd0000000ULL
#define LAYOUT_BOOT_TIMER_MMIO_NOW 0xc0000000ULL
#define LAYOUT_BOOT_TIMER_LEN 8

/*
 * ACPI (vmm/acpi_place.c): the tables from 0xe0000, in the BIOS area that
 * the e820 map reserves and where kernels without boot_params.acpi_rsdp_addr
 * search for the RSDP (ACPI 6.5 §5.2.5.1: 16-byte boundaries in
 * 0xe0000-0xfffff). The fixed hardware sits where QEMU's PCs put it: PM1a
 * event block at 0x600, control block at 0x604, SCI on IRQ 9, and the reset
 * register at 0xcf9 (Intel ICH "RST_CNT").
 */
#define LAYOUT_ACPI 0xe0000ULL
#define LAYOUT_ACPI_END 0x100000ULL
#define LAYOUT_PM1A_EVT_PORT 0x600
#define LAYOUT_PM1A_CNT_PORT 0x604
#define LAYOUT_SCI_IRQ 9
#define LAYOUT_RESET_PORT 0xcf9
/* The SLP_TYP value the DSDT's \_S5 names and the PM1 control block obeys
 * (any 3-bit value: vmm's choice). */
#define LAYOUT_ACPI_S5_SLP_TYP 5
/* Local APIC and IOAPIC at their architectural defaults (SDM Vol. 3A
 * §11.4.1; 82093AA datasheet); KVM's in-kernel IOAPIC resets to ID 0. */
#define LAYOUT_LAPIC 0xfee00000ULL
#define LAYOUT_IOAPIC 0xfec00000ULL
#define LAYOUT_IOAPIC_ID 0

/* The PC's POST-code port, cloud-hypervisor's debug port (devices/debug_port.h). */
#define LAYOUT_DEBUG_PORT 0x80

/* Debug-exit port where QEMU users put isa-debug-exit (iobase=0xf4,iosize=0x04). */
#define LAYOUT_DEBUG_EXIT_PORT 0xf4
#define LAYOUT_DEBUG_EXIT_LEN 4

#endif
