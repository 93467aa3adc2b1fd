build-gcc/obj/core/netaddr.o: core/netaddr.c core/netaddr.h
core/netaddr.h:
