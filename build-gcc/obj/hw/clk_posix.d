build-gcc/obj/hw/clk_posix.o: hw/clk_posix.c \
 build-gcc/inc/linux/ptp_clock.h build-gcc/inc/linux/ioctl.h \
 build-gcc/inc/asm/ioctl.h build-gcc/inc/asm-generic/ioctl.h \
 build-gcc/inc/linux/types.h build-gcc/inc/asm/types.h \
 build-gcc/inc/asm-generic/types.h build-gcc/inc/asm-generic/int-ll64.h \
 build-gcc/inc/asm/bitsperlong.h build-gcc/inc/asm-generic/bitsperlong.h \
 build-gcc/inc/linux/posix_types.h build-gcc/inc/linux/stddef.h \
 build-gcc/inc/asm/posix_types.h build-gcc/inc/asm/posix_types_64.h \
 build-gcc/inc/asm-generic/posix_types.h hw/../core/util.h hw/clock.h \
 hw/../core/tmv.h
build-gcc/inc/linux/ptp_clock.h:
build-gcc/inc/linux/ioctl.h:
build-gcc/inc/asm/ioctl.h:
build-gcc/inc/asm-generic/ioctl.h:
build-gcc/inc/linux/types.h:
build-gcc/inc/asm/types.h:
build-gcc/inc/asm-generic/types.h:
build-gcc/inc/asm-generic/int-ll64.h:
build-gcc/inc/asm/bitsperlong.h:
build-gcc/inc/asm-generic/bitsperlong.h:
build-gcc/inc/linux/posix_types.h:
build-gcc/inc/linux/stddef.h:
build-gcc/inc/asm/posix_types.h:
build-gcc/inc/asm/posix_types_64.h:
build-gcc/inc/asm-generic/posix_types.h:
hw/../core/util.h:
hw/clock.h:
hw/../core/tmv.h:
