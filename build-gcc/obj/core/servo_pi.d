build-gcc/obj/core/servo_pi.o: core/servo_pi.c core/servo.h core/tmv.h \
 core/util.h
core/servo.h:
core/tmv.h:
core/util.h:
