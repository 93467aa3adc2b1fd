/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pmc's command language (linuxptp pmc): "GET|SET|CMD ID [args]" to a
 * management request message (1588-2019 15.4).  No I/O but the error lines
 * on stderr, so the fuzz harness (test/fuzz/fuzz_pmc.c) drives it directly.
 */
#ifndef PTPBOX_PMC_CMD_H
#define PTPBOX_PMC_CMD_H

#include <stddef.h>
#include <stdint.h>

#include "../core/mgmt.h"

/* A parsed command line. */
struct pmc_cmd {
	int action;	     /* MGMT_GET, MGMT_SET or MGMT_COMMAND */
	int id;		     /* managementId */
	struct mgmt_value v; /* SET: the value to send */
};

/* What pmc_parse_command() found. */
#define PMC_CMD_OK 0
#define PMC_CMD_EMPTY 1 /* nothing but blanks */
#define PMC_CMD_HELP 2	/* "help" */

/*
 * Parse one command line of any length: "GET|SET|CMD ID [args]" where the
 * action and the ID may be abbreviated (a unique prefix, any case).  SET
 * arguments: one number for the 8-bit ids, the text for USER_DESCRIPTION,
 * addresses for UNICAST_MASTER_LOCKOUT_NP (as many as one management
 * message holds).  Returns PMC_CMD_* or -1 for a bad command (a reason is
 * printed on stderr when there is more to say than "bad command").
 */
int pmc_parse_command(const char *line, struct pmc_cmd *c);

/* Header fields of the requests: ours, then the command line's options. */
struct pmc_req_hdr {
	struct port_identity self; /* sourcePortIdentity */
	uint16_t seq;		   /* sequenceId */
	uint8_t domain;
	uint8_t transport_specific; /* majorSdoId */
	uint8_t boundary_hops;	    /* startingBoundaryHops = boundaryHops */
	int zero_len;		    /* -z: GET with an empty dataField */
	int unicast;		    /* sent unicast (--to): unicastFlag (13.3.2.8) */
};

/* Pack the MANAGEMENT request of c to every port (targetPortIdentity all
 * ones) into out (room octets, >= PTP_MSG_MAX_LEN).  Length or -errno. */
int pmc_build_request(const struct pmc_req_hdr *h, const struct pmc_cmd *c, uint8_t *out,
		      size_t room);

#endif
