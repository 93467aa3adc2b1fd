build-gcc/obj/cmd/main.o: cmd/main.c cmd/applet.h cmd/../core/config.h \
 cmd/../core/config_opts.def cmd/../core/msg.h cmd/../core/tmv.h \
 cmd/../hw/clock.h cmd/../hw/../core/tmv.h cmd/../hw/udp.h \
 cmd/../hw/../core/netaddr.h cmd/applets.def
cmd/applet.h:
cmd/../core/config.h:
cmd/../core/config_opts.def:
cmd/../core/msg.h:
cmd/../core/tmv.h:
cmd/../hw/clock.h:
cmd/../hw/../core/tmv.h:
cmd/../hw/udp.h:
cmd/../hw/../core/netaddr.h:
cmd/applets.def:
