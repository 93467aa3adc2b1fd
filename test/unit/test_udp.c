/* SPDX-License-Identifier: BSD-2-Clause */
/* hw/udp.c's udp_sendmmsg(): the kernel's mmsghdr layout, filled by us and
 * passed with syscall(), on loopback.  Run on every target (test/cross
 * runs the unit tests under qemu-user): a layout that differed from the
 * kernel's would send the wrong lengths or addresses, or fail. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../hw/udp.h"
#include "test.h"

/* A UDP/IPv4 socket bound to 127.0.0.1 on a port of the kernel's choice;
 * its address into a.  -1 when there is no loopback. */
static int loop4(struct net_addr *a)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)&a->ss;
	socklen_t len = sizeof(*s4);
	struct timeval tv = { 2, 0 };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	memset(a, 0, sizeof(*a));
	s4->sin_family = AF_INET;
	s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)s4, sizeof(*s4)) ||
	    getsockname(fd, (struct sockaddr *)s4, &len)) {
		if (fd >= 0) {
			close(fd);
		}
		return -1;
	}
	a->len = len;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)); /* bounded */
	return fd;
}

/* A full batch of datagrams of different lengths, each its own content,
 * arrives whole and in order. */
TEST(udp_sendmmsg_batch_arrives_whole_in_order)
{
	static uint8_t buf[UDP_BATCH_MAX][300];
	struct udp_out o[UDP_BATCH_MAX];
	struct net_addr rx;
	int rfd = loop4(&rx), sfd = socket(AF_INET, SOCK_DGRAM, 0), i, err = 1;

	CHECK(rfd >= 0 && sfd >= 0);
	if (rfd < 0 || sfd < 0) {
		return;
	}
	for (i = 0; i < UDP_BATCH_MAX; i++) {
		memset(buf[i], i + 1, sizeof(buf[i]));
		o[i].buf = buf[i];
		o[i].len = 44 + 4 * (size_t)i; /* 44..296 octets */
		o[i].to = rx;
	}
	CHECK_EQ(udp_sendmmsg(sfd, o, UDP_BATCH_MAX, &err), UDP_BATCH_MAX);
	CHECK_EQ(err, 0);
	for (i = 0; i < UDP_BATCH_MAX; i++) {
		uint8_t in[400];
		ssize_t n = recv(rfd, in, sizeof(in), 0);
		CHECK_EQ(n, (long long)o[i].len);
		if (n != (ssize_t)o[i].len) {
			break;
		}
		CHECK(in[0] == i + 1 && in[n - 1] == i + 1);
	}
	close(rfd);
	close(sfd);
}

/* The first datagram that fails ends the batch: how many went before it,
 * its -errno; those before it arrive. */
TEST(udp_sendmmsg_stops_at_the_first_failure)
{
	uint8_t d[3][48] = { { 1 }, { 2 }, { 3 } };
	struct udp_out o[3];
	struct net_addr rx;
	int rfd = loop4(&rx), sfd = socket(AF_INET, SOCK_DGRAM, 0), i, err = 0;
	uint8_t in[64];

	CHECK(rfd >= 0 && sfd >= 0);
	if (rfd < 0 || sfd < 0) {
		return;
	}
	for (i = 0; i < 3; i++) {
		o[i].buf = d[i];
		o[i].len = sizeof(d[i]);
		o[i].to = rx;
	}
	o[1].to.len = 3; /* shorter than any address: EINVAL */
	CHECK_EQ(udp_sendmmsg(sfd, o, 3, &err), 1);
	CHECK_EQ(err, -EINVAL);
	CHECK_EQ(recv(rfd, in, sizeof(in), 0), 48);
	CHECK_EQ(in[0], 1);
	close(rfd);
	close(sfd);
}
