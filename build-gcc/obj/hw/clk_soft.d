build-gcc/obj/hw/clk_soft.o: hw/clk_soft.c hw/../core/util.h hw/clock.h \
 hw/../core/tmv.h
hw/../core/util.h:
hw/clock.h:
hw/../core/tmv.h:
