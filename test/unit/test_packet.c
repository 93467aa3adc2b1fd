/* SPDX-License-Identifier: BSD-2-Clause */
/* hw/packet.c without a socket: the address a frame is sent to. */
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <stdint.h>

#include "../../hw/packet.h"
#include "test.h"

/* sll_protocol is in network order: the ethertype's two octets as the
 * frame has them, on a big-endian CPU too */
TEST(packet_dest_ethertype_network_order)
{
	static const uint8_t types[][2] = { { 0x88, 0xf7 }, { 0x81, 0x00 }, { 0x86, 0xdd } };
	uint8_t f[60] = { 0x01, 0x1b, 0x19, 0x00, 0x00, 0x00, 2, 0, 0, 0, 0, 1 };
	struct sockaddr_ll sll;
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		const uint8_t *b = (const uint8_t *)&sll.sll_protocol;
		f[12] = types[i][0];
		f[13] = types[i][1];
		pkt_dest(&sll, 7, f);
		CHECK_EQ(b[0], types[i][0]);
		CHECK_EQ(b[1], types[i][1]);
		CHECK_EQ(ntohs(sll.sll_protocol), types[i][0] << 8 | types[i][1]);
	}
	CHECK_EQ(ntohs(sll.sll_protocol), ETH_P_IPV6);
	CHECK_EQ(sll.sll_family, AF_PACKET);
	CHECK_EQ(sll.sll_ifindex, 7);
	CHECK_EQ(sll.sll_halen, ETH_ALEN);
	CHECK(!memcmp(sll.sll_addr, f, ETH_ALEN));
}
