build-gcc/obj/core/unicast.o: core/unicast.c core/tlv.h core/msg.h \
 core/tmv.h core/unicast.h build-gcc/inc/uthash.h core/netaddr.h
core/tlv.h:
core/msg.h:
core/tmv.h:
core/unicast.h:
build-gcc/inc/uthash.h:
core/netaddr.h:
