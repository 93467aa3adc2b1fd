build-gcc/obj/core/bmca.o: core/bmca.c core/bmca.h core/msg.h core/tmv.h
core/bmca.h:
core/msg.h:
core/tmv.h:
