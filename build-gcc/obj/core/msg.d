build-gcc/obj/core/msg.o: core/msg.c core/msg.h core/tmv.h core/tlv.h \
 core/wire.h
core/msg.h:
core/tmv.h:
core/tlv.h:
core/wire.h:
