build-gcc/obj/cmd/common.o: cmd/common.c cmd/../core/log.h \
 cmd/../hw/hwtstamp.h cmd/applet.h cmd/../core/config.h \
 cmd/../core/config_opts.def cmd/../core/msg.h cmd/../core/tmv.h \
 cmd/../hw/clock.h cmd/../hw/../core/tmv.h cmd/../hw/udp.h \
 cmd/../hw/../core/netaddr.h cmd/applets.def
cmd/../core/log.h:
cmd/../hw/hwtstamp.h:
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
