build-gcc/obj/hw/udp.o: hw/udp.c build-gcc/inc/linux/net_tstamp.h \
 build-gcc/inc/linux/types.h build-gcc/inc/asm/types.h \
 build-gcc/inc/asm-generic/types.h build-gcc/inc/asm-generic/int-ll64.h \
 build-gcc/inc/linux/socket.h hw/../core/config.h \
 hw/../core/config_opts.def hw/hwtstamp.h hw/udp.h hw/../core/netaddr.h \
 hw/../core/tmv.h
build-gcc/inc/linux/net_tstamp.h:
build-gcc/inc/linux/types.h:
build-gcc/inc/asm/types.h:
build-gcc/inc/asm-generic/types.h:
build-gcc/inc/asm-generic/int-ll64.h:
build-gcc/inc/linux/socket.h:
hw/../core/config.h:
hw/../core/config_opts.def:
hw/hwtstamp.h:
hw/udp.h:
hw/../core/netaddr.h:
hw/../core/tmv.h:
