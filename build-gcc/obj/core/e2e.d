build-gcc/obj/core/e2e.o: core/e2e.c core/e2e.h core/tmv.h
core/e2e.h:
core/tmv.h:
