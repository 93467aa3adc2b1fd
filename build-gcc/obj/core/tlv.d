build-gcc/obj/core/tlv.o: core/tlv.c core/tlv.h core/msg.h core/tmv.h \
 core/wire.h
core/tlv.h:
core/msg.h:
core/tmv.h:
core/wire.h:
