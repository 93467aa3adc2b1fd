build-gcc/obj/core/config.o: core/config.c core/config.h \
 core/config_opts.def
core/config.h:
core/config_opts.def:
