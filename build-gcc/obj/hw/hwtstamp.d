build-gcc/obj/hw/hwtstamp.o: hw/hwtstamp.c build-gcc/inc/linux/ethtool.h \
 build-gcc/inc/linux/const.h build-gcc/inc/linux/types.h \
 build-gcc/inc/asm/types.h build-gcc/inc/asm-generic/types.h \
 build-gcc/inc/asm-generic/int-ll64.h build-gcc/inc/asm/bitsperlong.h \
 build-gcc/inc/asm-generic/bitsperlong.h \
 build-gcc/inc/linux/posix_types.h build-gcc/inc/linux/stddef.h \
 build-gcc/inc/asm/posix_types.h build-gcc/inc/asm/posix_types_64.h \
 build-gcc/inc/asm-generic/posix_types.h build-gcc/inc/linux/if_ether.h \
 build-gcc/inc/linux/net_tstamp.h build-gcc/inc/linux/socket.h \
 build-gcc/inc/linux/sockios.h build-gcc/inc/asm/sockios.h \
 build-gcc/inc/asm-generic/sockios.h hw/hwtstamp.h
build-gcc/inc/linux/ethtool.h:
build-gcc/inc/linux/const.h:
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
build-gcc/inc/linux/if_ether.h:
build-gcc/inc/linux/net_tstamp.h:
build-gcc/inc/linux/socket.h:
build-gcc/inc/linux/sockios.h:
build-gcc/inc/asm/sockios.h:
build-gcc/inc/asm-generic/sockios.h:
hw/hwtstamp.h:
