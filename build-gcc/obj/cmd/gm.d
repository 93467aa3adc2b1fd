build-gcc/obj/cmd/gm.o: cmd/gm.c cmd/../core/log.h cmd/../core/tlv.h \
 cmd/../core/msg.h cmd/../core/tmv.h cmd/../core/unicast.h \
 build-gcc/inc/uthash.h cmd/../core/netaddr.h cmd/applet.h \
 cmd/../core/config.h cmd/../core/config_opts.def cmd/../core/msg.h \
 cmd/../hw/clock.h cmd/../hw/../core/tmv.h cmd/../hw/udp.h \
 cmd/../hw/../core/netaddr.h cmd/applets.def
cmd/../core/log.h:
cmd/../core/tlv.h:
cmd/../core/msg.h:
cmd/../core/tmv.h:
cmd/../core/unicast.h:
build-gcc/inc/uthash.h:
cmd/../core/netaddr.h:
cmd/applet.h:
cmd/../core/config.h:
cmd/../core/config_opts.def:
cmd/../core/msg.h:
cmd/../hw/clock.h:
cmd/../hw/../core/tmv.h:
cmd/../hw/udp.h:
cmd/../hw/../core/netaddr.h:
cmd/applets.def:
