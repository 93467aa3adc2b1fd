/* SPDX-License-Identifier: BSD-2-Clause */
/* UDP transport with SO_TIMESTAMPING; see udp.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <time.h> /* before linux/errqueue.h, which uses struct timespec */
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../core/config.h"
#include "hwtstamp.h"
#include "udp.h"

#ifndef SO_TIMESTAMPING
#define SO_TIMESTAMPING 37
#endif
#ifndef SCM_TIMESTAMPING
#define SCM_TIMESTAMPING SO_TIMESTAMPING
#endif

struct udp {
	int fd[2]; /* [0] general, [1] event */
	int transport;
	int hw;
	int opt_id; /* SOF_TIMESTAMPING_OPT_ID on: stamps carry their send's key */
	int rcvbuf; /* the event socket's receive buffer, octets */
	uint16_t port[2];
};

/* The event socket's receive buffer: Delay_Req from every client and the
 * transmit stamps of a whole burst of Syncs queue there (8 MiB: some
 * 20 000 stamps of software time stamping). */
#define UDP_EVENT_RCVBUF (8 << 20)

static int open_one(const struct udp_cfg *cfg, uint16_t port, int dscp, char *err, size_t errlen)
{
	int family = cfg->transport == TRANS_UDP_IPV6 ? AF_INET6 : AF_INET;
	int fd, one = 1, tos = dscp << 2, ttl = cfg->ttl;
	struct sockaddr_storage ss;
	socklen_t len;

	fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_any;
		s6->sin6_port = htons(port);
		len = sizeof(*s6);
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos)) ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof(ttl))) {
			snprintf(err, errlen, "IPV6_TCLASS/HOPS: %s", strerror(errno));
			goto fail;
		}
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_ANY);
		s4->sin_port = htons(port);
		len = sizeof(*s4);
		if (setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos)) ||
		    setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl))) {
			snprintf(err, errlen, "IP_TOS/TTL: %s", strerror(errno));
			goto fail;
		}
	}
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, cfg->iface, (socklen_t)strlen(cfg->iface))) {
		snprintf(err, errlen, "%s: SO_BINDTODEVICE: %s", cfg->iface, strerror(errno));
		goto fail;
	}
	if (bind(fd, (struct sockaddr *)&ss, len)) {
		snprintf(err, errlen, "bind port %u: %s", port, strerror(errno));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

struct udp *udp_open(const struct udp_cfg *cfg, char *err, size_t errlen)
{
	struct udp *u;
	int flags;

	if (cfg->transport != TRANS_UDP_IPV4 && cfg->transport != TRANS_UDP_IPV6) {
		snprintf(err, errlen, "network_transport: only UDPv4 and UDPv6 are supported");
		return NULL;
	}
	if (if_nametoindex(cfg->iface) == 0) {
		snprintf(err, errlen, "%s: no such interface", cfg->iface);
		return NULL;
	}
	u = calloc(1, sizeof(*u));
	if (!u) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	u->transport = cfg->transport;
	u->hw = cfg->hw_timestamps;
	u->port[1] = cfg->event_port ? cfg->event_port : PTP_EVENT_PORT;
	u->port[0] = cfg->general_port ? cfg->general_port : PTP_GENERAL_PORT;
	u->fd[0] = u->fd[1] = -1;
	u->fd[1] = open_one(cfg, u->port[1], cfg->dscp_event, err, errlen);
	if (u->fd[1] < 0) {
		goto fail;
	}
	u->fd[0] = open_one(cfg, u->port[0], cfg->dscp_general, err, errlen);
	if (u->fd[0] < 0) {
		goto fail;
	}
	if (cfg->hw_timestamps) {
		if (hwts_enable(u->fd[1], cfg->iface, cfg->one_step, 0, err, errlen)) {
			goto fail;
		}
		flags = SOF_TIMESTAMPING_TX_HARDWARE | SOF_TIMESTAMPING_RX_HARDWARE |
			SOF_TIMESTAMPING_RAW_HARDWARE;
	} else {
		flags = SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_RX_SOFTWARE |
			SOF_TIMESTAMPING_SOFTWARE;
	}
	/* OPT_ID: each stamp names its send by a key counted per socket, an
	 * O(1) match (kernels before 3.19 lack it: matched by content) */
	flags |= SOF_TIMESTAMPING_OPT_ID;
	u->opt_id = !setsockopt(u->fd[1], SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof(flags));
	if (!u->opt_id) {
		flags &= ~(unsigned)SOF_TIMESTAMPING_OPT_ID;
		if (setsockopt(u->fd[1], SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof(flags))) {
			snprintf(err, errlen, "SO_TIMESTAMPING: %s", strerror(errno));
			goto fail;
		}
	}
	{
		int rb = UDP_EVENT_RCVBUF;
		socklen_t l = sizeof(rb);
		if (setsockopt(u->fd[1], SOL_SOCKET, SO_RCVBUFFORCE, &rb, sizeof(rb))) {
			setsockopt(u->fd[1], SOL_SOCKET, SO_RCVBUF, &rb, sizeof(rb));
		}
		if (!getsockopt(u->fd[1], SOL_SOCKET, SO_RCVBUF, &rb, &l)) {
			u->rcvbuf = rb / 2; /* the kernel reports twice the payload room */
		}
	}
	return u;
fail:
	udp_close(u);
	return NULL;
}

void udp_close(struct udp *u)
{
	if (!u) {
		return;
	}
	if (u->fd[0] >= 0) {
		close(u->fd[0]);
	}
	if (u->fd[1] >= 0) {
		close(u->fd[1]);
	}
	free(u);
}

int udp_fd(const struct udp *u, int event)
{
	return u->fd[event ? 1 : 0];
}

/* The socket's port (event or general) into a, in network order. */
static void set_port(const struct udp *u, int event, struct net_addr *a)
{
	uint16_t port = htons(u->port[event ? 1 : 0]);
	if (a->ss.ss_family == AF_INET6) {
		((struct sockaddr_in6 *)&a->ss)->sin6_port = port;
	} else {
		((struct sockaddr_in *)&a->ss)->sin_port = port;
	}
}

int udp_send(struct udp *u, int event, const void *buf, size_t len, const struct net_addr *to)
{
	struct net_addr a = *to;
	set_port(u, event, &a);
	return udp_send_raw(u, event, buf, len, &a);
}

/*
 * sendmmsg(2) as the kernel takes it.  musl's sendmmsg() on 64-bit targets
 * is a loop of sendmsg() (its struct msghdr has int msg_iovlen and
 * socklen_t msg_controllen with padding beside them where the kernel has
 * size_t), so a batch cost one system call per datagram; glibc's passes the
 * batch on.  These are the kernel's struct user_msghdr and mmsghdr
 * (include/linux/socket.h; the same on every Linux ABI but x32), filled by
 * us and passed with syscall(): one call per batch with any C library.
 */
struct k_msghdr {
	void *msg_name;
	int msg_namelen;
	struct iovec *msg_iov;
	unsigned long msg_iovlen;
	void *msg_control;
	unsigned long msg_controllen;
	unsigned int msg_flags;
};

struct k_mmsghdr {
	struct k_msghdr msg_hdr;
	unsigned int msg_len;
};

int udp_sendmmsg(int fd, struct udp_out *o, int n, int *err)
{
	struct k_mmsghdr mm[UDP_BATCH_MAX];
	struct iovec iov[UDP_BATCH_MAX];
	int i, done = 0;

	*err = 0;
	if (n > UDP_BATCH_MAX) {
		n = UDP_BATCH_MAX;
	}
	memset(mm, 0, (size_t)n * sizeof(mm[0]));
	for (i = 0; i < n; i++) {
		iov[i].iov_base = (void *)o[i].buf;
		iov[i].iov_len = o[i].len;
		mm[i].msg_hdr.msg_name = &o[i].to.ss;
		mm[i].msg_hdr.msg_namelen = (int)o[i].to.len;
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	while (done < n) {
		long r = syscall(SYS_sendmmsg, fd, mm + done, (unsigned)(n - done), 0);
		if (r <= 0) {
			/* the first datagram of the call failed */
			*err = r < 0 ? -errno : -EIO;
			return done;
		}
		done += (int)r; /* UDP sends a datagram whole or not at all */
	}
	return n;
}

int udp_send_batch(struct udp *u, int event, struct udp_out *o, int n, int *err)
{
	int i;

	for (i = 0; i < n && i < UDP_BATCH_MAX; i++) {
		set_port(u, event, &o[i].to);
	}
	return udp_sendmmsg(u->fd[event ? 1 : 0], o, n, err);
}

/* Pull the SCM_TIMESTAMPING value out of msg: ts[0] software, ts[2] raw
 * hardware. */
static tmv_t cmsg_ts(struct msghdr *msg, int hw)
{
	struct cmsghdr *cm;
	for (cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPING &&
		    cm->cmsg_len >= CMSG_LEN(3 * sizeof(struct timespec))) {
			struct timespec ts[3];
			memcpy(ts, CMSG_DATA(cm), sizeof(ts));
			return timespec_to_tmv(ts[hw ? 2 : 0]);
		}
	}
	return 0;
}

/* The OPT_ID key of a transmit stamp (the IP_RECVERR / IPV6_RECVERR
 * sock_extended_err of origin TIMESTAMPING), -1 when there is none. */
static long long cmsg_key(struct msghdr *msg)
{
	struct cmsghdr *cm;
	for (cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm)) {
		if (((cm->cmsg_level == SOL_IP && cm->cmsg_type == IP_RECVERR) ||
		     (cm->cmsg_level == SOL_IPV6 && cm->cmsg_type == IPV6_RECVERR)) &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(struct sock_extended_err))) {
			struct sock_extended_err ee;
			memcpy(&ee, CMSG_DATA(cm), sizeof(ee));
			if (ee.ee_origin == SO_EE_ORIGIN_TIMESTAMPING) {
				return ee.ee_data;
			}
		}
	}
	return -1;
}

int udp_recv_batch(struct udp *u, int event, int txts, struct udp_in *in, int n)
{
	struct mmsghdr mm[UDP_BATCH_MAX];
	struct iovec iov[UDP_BATCH_MAX];
	char control[UDP_BATCH_MAX][256];
	int i, r;

	if (n > UDP_BATCH_MAX) {
		n = UDP_BATCH_MAX;
	}
	memset(mm, 0, (size_t)n * sizeof(mm[0]));
	for (i = 0; i < n; i++) {
		iov[i].iov_base = in[i].buf;
		iov[i].iov_len = in[i].cap;
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		if (!txts) {
			mm[i].msg_hdr.msg_name = &in[i].from.ss;
			mm[i].msg_hdr.msg_namelen = sizeof(in[i].from.ss);
		}
		mm[i].msg_hdr.msg_control = control[i];
		mm[i].msg_hdr.msg_controllen = sizeof(control[i]);
	}
	r = recvmmsg(u->fd[txts || event ? 1 : 0], mm, (unsigned)n,
		     MSG_DONTWAIT | (txts ? MSG_ERRQUEUE : 0), NULL);
	if (r < 0) {
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	}
	for (i = 0; i < r; i++) {
		in[i].len = mm[i].msg_len;
		in[i].from.len = txts ? 0 : mm[i].msg_hdr.msg_namelen;
		in[i].raw = txts || event ? cmsg_ts(&mm[i].msg_hdr, u->hw) : 0;
		in[i].key = txts && u->opt_id ? cmsg_key(&mm[i].msg_hdr) : -1;
	}
	return r ? r : -EAGAIN;
}

int udp_event_rcvbuf(const struct udp *u)
{
	return u->rcvbuf;
}

int udp_txts_match(const void *pkt, size_t pktlen, const void *msg, size_t msglen, size_t kept)
{
	return pktlen >= msglen &&
	       !memcmp((const char *)pkt + pktlen - msglen, msg, msglen < kept ? msglen : kept);
}

int udp_addr_parse(int transport, const char *str, const char *iface, struct net_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (transport == TRANS_UDP_IPV6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&a->ss;
		if (inet_pton(AF_INET6, str, &s6->sin6_addr) != 1) {
			return -EINVAL;
		}
		s6->sin6_family = AF_INET6;
		if (IN6_IS_ADDR_LINKLOCAL(&s6->sin6_addr) && iface) {
			s6->sin6_scope_id = if_nametoindex(iface);
		}
		a->len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&a->ss;
		if (inet_pton(AF_INET, str, &s4->sin_addr) != 1) {
			return -EINVAL;
		}
		s4->sin_family = AF_INET;
		a->len = sizeof(*s4);
	}
	return 0;
}

int udp_iface_mac(const char *iface, uint8_t mac[6])
{
	struct ifreq ifr;
	int fd, r = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return -errno;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", iface);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		r = -errno;
	} else {
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	}
	close(fd);
	return r;
}

int udp_join_mcast(struct udp *u, const char *iface)
{
	int fd = u->fd[0];
	unsigned idx = if_nametoindex(iface);

	if (!idx) {
		return -ENODEV;
	}
	if (u->transport == TRANS_UDP_IPV6) {
		struct ipv6_mreq mr;
		memset(&mr, 0, sizeof(mr));
		inet_pton(AF_INET6, PTP_MCAST_IPV6, &mr.ipv6mr_multiaddr);
		mr.ipv6mr_interface = idx;
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr))) {
			return -errno;
		}
	} else {
		struct ip_mreqn mr;
		memset(&mr, 0, sizeof(mr));
		inet_pton(AF_INET, PTP_MCAST_IPV4, &mr.imr_multiaddr);
		mr.imr_ifindex = (int)idx;
		if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr))) {
			return -errno;
		}
	}
	return 0;
}

int udp_send_raw(struct udp *u, int event, const void *buf, size_t len, const struct net_addr *to)
{
	ssize_t n = sendto(u->fd[event ? 1 : 0], buf, len, 0, (const struct sockaddr *)&to->ss,
			   to->len);
	if (n < 0) {
		return -errno;
	}
	return n == (ssize_t)len ? 0 : -EIO;
}

int udp_local_addr(const struct udp *u, const char *iface, struct net_addr *a)
{
	int family = u->transport == TRANS_UDP_IPV6 ? AF_INET6 : AF_INET, found = 0;
	struct ifaddrs *ifa, *i;

	if (getifaddrs(&ifa)) {
		return -errno;
	}
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != family || strcmp(i->ifa_name, iface)) {
			continue;
		}
		if (family == AF_INET6 &&
		    IN6_IS_ADDR_LINKLOCAL(&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr)) {
			if (!found) { /* keep a link-local one only as the last resort */
				memset(a, 0, sizeof(*a));
				memcpy(&a->ss, i->ifa_addr, sizeof(struct sockaddr_in6));
				a->len = sizeof(struct sockaddr_in6);
				found = 1;
			}
			continue;
		}
		memset(a, 0, sizeof(*a));
		a->len = family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
		memcpy(&a->ss, i->ifa_addr, a->len);
		found = 2;
		break;
	}
	freeifaddrs(ifa);
	return found ? 0 : -EADDRNOTAVAIL;
}
