/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Management TLVs, IEEE 1588-2019 clause 15 (and linuxptp's TIME_STATUS_NP).
 * A MANAGEMENT TLV's value is managementId (2 octets) + dataField; this
 * module turns dataFields into host-order data sets and back through a
 * table {id, name, length, flags, decode, encode}.
 */
#ifndef PTPBOX_MGMT_H
#define PTPBOX_MGMT_H

#include <stddef.h>
#include <stdint.h>

#include "ds.h"
#include "msg.h"

/* 15.4.1.6 actionField */
enum mgmt_action { MGMT_GET = 0, MGMT_SET = 1, MGMT_RESPONSE = 2, MGMT_COMMAND = 3,
		   MGMT_ACKNOWLEDGE = 4 };

/* 15.5.2.3 Table 59 managementId (the ones we code) */
enum mgmt_id {
	MID_NULL_MANAGEMENT = 0x0000,
	MID_CLOCK_DESCRIPTION = 0x0001,
	MID_USER_DESCRIPTION = 0x0002,
	MID_DEFAULT_DATA_SET = 0x2000,
	MID_CURRENT_DATA_SET = 0x2001,
	MID_PARENT_DATA_SET = 0x2002,
	MID_TIME_PROPERTIES_DATA_SET = 0x2003,
	MID_PORT_DATA_SET = 0x2004,
	MID_PRIORITY1 = 0x2005,
	MID_PRIORITY2 = 0x2006,
	MID_DOMAIN = 0x2007,
	MID_SLAVE_ONLY = 0x2008,
	MID_LOG_ANNOUNCE_INTERVAL = 0x2009,
	MID_ANNOUNCE_RECEIPT_TIMEOUT = 0x200A,
	MID_LOG_SYNC_INTERVAL = 0x200B,
	MID_VERSION_NUMBER = 0x200C,
	MID_UNICAST_NEGOTIATION_ENABLE = 0x2014,
	MID_UNICAST_MASTER_TABLE = 0x2018,
	MID_UNICAST_MASTER_MAX_TABLE_SIZE = 0x2019,
	MID_MASTER_ONLY = 0x3001, /* 1588-2019 15.5.3.7.x: portDS.masterOnly */
	/* 1588-2008 15.5.3.9 (deprecated by 1588-2019, still what pmc
	 * tools ask a transparent clock for) */
	MID_TRANSPARENT_CLOCK_DEFAULT_DATA_SET = 0x4000,
	MID_TRANSPARENT_CLOCK_PORT_DATA_SET = 0x4001,
	MID_TIME_STATUS_NP = 0xC000,	      /* linuxptp */
	MID_PORT_DATA_SET_NP = 0xC002,	      /* linuxptp */
	MID_PORT_STATS_NP = 0xC005,	      /* linuxptp */
	MID_UNICAST_MASTER_TABLE_NP = 0xC008, /* linuxptp 4.x */
	/* ptpbox, implementation-specific range 0xC000-0xDFFF (Table 59):
	 * G.8265.1 6.8.1 lock-out list, a count and PortAddresses */
	MID_UNICAST_MASTER_LOCKOUT_NP = 0xDF00,
	MID_PORT_REFUSALS_NP = 0xDF01, /* ptpbox: what the port refused, by reason */
	MID_TC_PORT_STATS_NP = 0xDF02, /* ptpbox: a transparent clock port's counters */
	MID_SERVO_STATE_NP = 0xDF03,   /* ptpbox: what the oc's servo believes */
};

/* Entries in the table-valued TLVs we send or accept. */
#define MGMT_MAX_ENTRIES 64
/* Octets of dataField one MANAGEMENT TLV carries in a message of
 * PTP_MSG_MAX_LEN: after the header, the management body (15.4.1, 14
 * octets), tlvType and lengthField (4) and managementId (2). */
#define MGMT_DATA_MAX (PTP_MSG_MAX_LEN - PTP_HEADER_LEN - 14 - 4 - 2)
/* PortAddresses one UNICAST_MASTER_LOCKOUT_NP holds: after its count (2
 * octets), 4 octets each at least (networkProtocol, addressLength); 72
 * UDP/IPv6 (20 octets) or 180 UDP/IPv4 (8 octets) addresses fit. */
#define MGMT_MAX_LOCKOUT ((MGMT_DATA_MAX - 2) / 4)
/* Longest PTPText we keep (1588-2019 5.3.9 allows 255 octets). */
#define MGMT_TEXT_MAX 128

/* 5.3.6 PortAddress; networkProtocol 1 UDP/IPv4, 2 UDP/IPv6, 3 802.3 */
struct port_address {
	uint16_t networkProtocol;
	uint16_t addressLength; /* octets in address, <= 16 */
	uint8_t address[16];
};

/* 15.5.3.1.2 CLOCK_DESCRIPTION; texts are NUL-terminated here */
struct clock_description {
	uint16_t clockType; /* 0x8000 ordinary clock */
	char physicalLayerProtocol[MGMT_TEXT_MAX];
	uint16_t physicalAddressLength;
	uint8_t physicalAddress[16];
	struct port_address protocolAddress;
	uint8_t manufacturerIdentity[3];
	char productDescription[MGMT_TEXT_MAX]; /* "manufacturer;model;serial" */
	char revisionData[MGMT_TEXT_MAX];	/* "hw;fw;sw" */
	char userDescription[MGMT_TEXT_MAX];	/* "name;location" */
	uint8_t profileIdentity[6];
};

/* 15.5.3.7.19 UNICAST_MASTER_TABLE (logQueryInterval, count, addresses) */
struct unicast_master_table {
	int8_t logQueryInterval;
	uint16_t actualTableSize;
	struct port_address addr[MGMT_MAX_ENTRIES];
};

/* linuxptp PORT_STATS_NP: messages received / sent per messageType.  On
 * the wire the counters are in the sender's byte order (linuxptp copies
 * them raw); we send and read little-endian, what every x86/ARM ptp4l
 * sends. */
struct port_stats_np {
	struct port_identity portIdentity;
	uint64_t rxMsgType[16];
	uint64_t txMsgType[16];
};

/* linuxptp PORT_DATA_SET_NP */
struct port_ds_np {
	uint32_t neighborPropDelayThresh; /* ns */
	int32_t asCapable;
};

/* linuxptp's unicast client state of a table entry */
enum unicast_state { UCS_WAIT = 0, UCS_HAVE_ANN = 1, UCS_NEED_SYDY = 2, UCS_HAVE_SYDY = 3 };

/* linuxptp UNICAST_MASTER_TABLE_NP entry */
struct unicast_master_entry {
	struct port_identity portIdentity; /* of the master's Announce; 0 unknown */
	struct clock_quality clockQuality;
	uint8_t selected;
	uint8_t unicastState; /* enum unicast_state (wire name port_state) */
	uint8_t priority1, priority2;
	struct port_address address;
};

struct unicast_master_table_np {
	uint16_t actualTableSize;
	struct unicast_master_entry entry[MGMT_MAX_ENTRIES];
};

/* ptpbox UNICAST_MASTER_LOCKOUT_NP: the masters locked out (G.8265.1 6.8.1) */
struct lockout_np {
	uint16_t count;
	struct port_address addr[MGMT_MAX_LOCKOUT];
};

/* ptpbox PORT_REFUSALS_NP: portIdentity, then one UInteger64 (network
 * order) per reason, in this order; mgmt_refusal_names[] names them. */
enum mgmt_refusal {
	REF_RX_MALFORMED,	 /* datagrams that are no PTP message */
	REF_RX_OTHER_DOMAIN,	 /* messages of another domainNumber */
	REF_RX_UNKNOWN_SOURCE,	 /* oc: not from a master of its table */
	REF_MGMT_MALFORMED,	 /* management requests that do not parse */
	REF_MGMT_RATE_LIMITED,	 /* over mgmt_rate_limit (per source, all) */
	REF_MGMT_SET_REFUSED,	 /* SET/COMMAND from the network not allowed */
	REF_UC_UNEXPECTED_GRANT, /* oc: GRANT/denial with no request out, or
				  * Signaling for another port */
	REF_UC_REFUSED_GRANT,	 /* oc: another interval, duration out of range */
	REF_UC_WRONG_SENDER,	 /* oc: master's address, not its portIdentity */
	REF_UC_ACL,		 /* gm: requester outside unicast_acl */
	REF_UC_BUDGET,		 /* gm: would exceed max_tx_rate_pps or
				  * max_client_pps */
	REF_UC_TABLE_FULL,	 /* gm: unicast_max_clients reached */
	REF_UC_CANCEL_IGNORED,	 /* gm: CANCEL not from the grant's holder */
	REF_UC_IDENTITY,	 /* gm: REQUEST from an address holding another
				  * portIdentity's grants */
	REF_AUTH_MISSING,	 /* no AUTHENTICATION TLV (1588-2019 16.14) */
	REF_AUTH_BAD_ICV,	 /* ICV wrong or TLV malformed */
	REF_AUTH_UNKNOWN_KEY,	 /* keyID not in the SA */
	REF_AUTH_REPLAY,	 /* sequenceId not after the last accepted */
	REF_UTC_OFFSET_HELD,	 /* oc: Announces whose currentUtcOffset change
				  * was held (outside a leap second) */
	REF_DREQ_EXCESS,	 /* gm: Delay_Req over the client's granted
				  * rate (OCP 7.12), unanswered */
	MGMT_REFUSALS
};

struct port_refusals_np {
	struct port_identity portIdentity;
	uint64_t count[MGMT_REFUSALS];
};

/* "rx_malformed", ... (the wire order of PORT_REFUSALS_NP). */
extern const char *const mgmt_refusal_names[MGMT_REFUSALS];

/* 1588-2008 15.5.3.9.1 TRANSPARENT_CLOCK_DEFAULT_DATA_SET (12 octets) */
struct tc_default_ds {
	struct clock_identity clockIdentity;
	uint16_t numberPorts;
	uint8_t delayMechanism; /* 0x01 E2E, 0x02 P2P */
	uint8_t primaryDomain;
};

/* 1588-2008 15.5.3.9.2 TRANSPARENT_CLOCK_PORT_DATA_SET (20 octets) */
struct tc_port_ds {
	struct port_identity portIdentity;
	uint8_t faultyFlag;		 /* bit 0 of the flags octet */
	int8_t logMinPdelayReqInterval;	 /* P2P only: 0x7f here */
	int64_t peerMeanPathDelay;	 /* TimeInterval, scaled ns (ns * 2^16) */
};

/* ptpbox TC_PORT_STATS_NP: portIdentity, then one Integer64 (network
 * order) per counter in this order; mgmt_tc_stat_names[] names them.
 * Times in ns (mean rounded); counts of frames leaving the port unless
 * named rx. */
enum mgmt_tc_stat {
	TCS_RX_FRAMES,		/* PTP frames received on the port */
	TCS_TX_FRAMES,		/* PTP frames sent out of it */
	TCS_CORRECTED,		/* frames whose correctionField the TC changed */
	TCS_RX_MALFORMED,	/* PTP by their ports, not parsable: forwarded as they were */
	TCS_TX_ERR,		/* sends that failed */
	TCS_TX_TS_MISSING,	/* transmit timestamps that never came */
	TCS_DROPPED_UNMATCHED,	/* Follow_Up/Delay_Resp whose event message was not seen */
	TCS_DROPPED_LATE,	/* held longer than the TC's bound */
	TCS_RESIDENCE_INVALID,	/* residence outside 0..100 ms: not used, message dropped */
	TCS_RESIDENCE_N,	/* event messages with a residence time */
	TCS_RESIDENCE_MEAN_NS,
	TCS_RESIDENCE_MAX_NS,
	TCS_WRITEAHEAD_N,	/* one-step: write-ahead errors measured */
	TCS_WRITEAHEAD_MEAN_NS, /* transmit timestamp - time written */
	TCS_WRITEAHEAD_MAX_NS,
	TCS_AUTH_DROPPED,	/* with an SA: PTP without a valid AUTHENTICATION TLV */
	MGMT_TC_STATS
};

struct tc_port_stats_np {
	struct port_identity portIdentity;
	int64_t count[MGMT_TC_STATS];
};

extern const char *const mgmt_tc_stat_names[MGMT_TC_STATS];

/* ptpbox SERVO_STATE_NP (clock-level, GET; the oc answers): what the
 * envelope servo believes (core/servo.h struct servo_info), one Integer64
 * (network order) per field in this order, 56 octets; all zeros for a servo
 * without an estimate of its world (pi, linreg).  Each the value x 2^16
 * (fixed point, as TimeInterval 5.3.2), rounded.  mgmt_servo_names[] names
 * them (pmc, metrics). */
enum mgmt_servo_field {
	SVS_WANDER,	   /* ppb/sqrt(s): the frequency random walk the window is sized for */
	SVS_WANDER_EST,	   /* ppb/sqrt(s): the online estimate (0: none yet) */
	SVS_WINDOW,	   /* s: the window of measurements */
	SVS_DELAY_SPREAD,  /* ns: the delay's mean above its floor */
	SVS_DELAY_SHAPE,   /* sd / mean above the floor: ~1 exponential (a sharp
			    * floor), ~0.35-0.55 Gamma(8) (a soft one) */
	SVS_PREDICTED,	   /* ns: the rms error the window should give */
	SVS_ESTIMATOR,	   /* 0 the minimum-delay envelope, 1 the means */
	MGMT_SERVO_FIELDS
};

struct servo_state_np {
	int64_t v[MGMT_SERVO_FIELDS];
};

extern const char *const mgmt_servo_names[MGMT_SERVO_FIELDS];

/* 15.5.4.4 Table 109 managementErrorId */
enum mgmt_error {
	MERR_RESPONSE_TOO_BIG = 0x0001,
	MERR_NO_SUCH_ID = 0x0002,
	MERR_WRONG_LENGTH = 0x0003,
	MERR_WRONG_VALUE = 0x0004,
	MERR_NOT_SETABLE = 0x0005,
	MERR_NOT_SUPPORTED = 0x0006,
	MERR_GENERAL_ERROR = 0xFFFE,
};

/* linuxptp TIME_STATUS_NP: offsets in ns (not scaled) */
struct time_status_np {
	int64_t master_offset; /* ns, positive: local clock ahead */
	int64_t ingress_time;  /* ns, PTP time of the last Sync */
	int32_t cumulativeScaledRateOffset;
	int32_t scaledLastGmPhaseChange;
	uint16_t gmTimeBaseIndicator;
	uint8_t lastGmPhaseChange[12]; /* ScaledNs, kept opaque */
	int32_t gmPresent;
	struct clock_identity gmIdentity;
};

/* A decoded management dataField. */
struct mgmt_value {
	uint16_t id;
	union {
		struct default_ds dds;
		struct current_ds cds;
		struct parent_ds pds;
		struct time_properties_ds tpds;
		struct port_ds port;
		struct time_status_np tsn;
		struct clock_description cd;
		char text[MGMT_TEXT_MAX]; /* USER_DESCRIPTION */
		struct unicast_master_table umt;
		struct port_stats_np stats;
		struct port_refusals_np refusals;
		struct tc_default_ds tcds;
		struct tc_port_ds tcport;
		struct tc_port_stats_np tcstats;
		struct servo_state_np servo;
		struct port_ds_np pdsnp;
		struct unicast_master_table_np umtnp;
		struct lockout_np lockout;
		uint8_t u8;   /* PRIORITY1/2, DOMAIN, VERSION_NUMBER, RECEIPT_TIMEOUT,
			       * SLAVE_ONLY, MASTER_ONLY and UNICAST_NEGOTIATION_ENABLE
			       * flag */
		int8_t i8;    /* LOG_*_INTERVAL */
		uint16_t u16; /* UNICAST_MASTER_MAX_TABLE_SIZE */
	} u;
};

/* Name ("CURRENT_DATA_SET") of an id, NULL when not in the table. */
const char *mgmt_id_str(uint16_t id);
/* Id for a name, -1 when unknown. */
int mgmt_id_from_str(const char *name);
/* 1 when the id may be SET (15.5.2.3 Table 59 "applies to SET"). */
int mgmt_settable(uint16_t id);
/* 1 for port-level ids (answered by port 1), 0 for clock-level ones. */
int mgmt_port_level(uint16_t id);
/* Name of a managementErrorId ("NO_SUCH_ID"), "UNKNOWN" otherwise. */
const char *mgmt_error_str(uint16_t err);
/* Name of an actionField value ("GET"), "UNKNOWN" otherwise. */
const char *mgmt_action_str(int action);
/* Visit every id in the table, in id order (pmc's help). */
void mgmt_for_each(void (*fn)(uint16_t id, const char *name, void *arg), void *arg);

/*
 * Decode len octets of dataField for id into *v.  Returns 0, -ENOENT when
 * the id is not in the table (answer NO_SUCH_ID), -EBADMSG when len does
 * not fit the id (answer WRONG_LENGTH): fixed-size ids need exactly their
 * length, tables and texts need the octets their counts announce (padding
 * to an even length allowed).
 */
int mgmt_decode(uint16_t id, const uint8_t *data, size_t len, struct mgmt_value *v);

/* Encode v's dataField into out (room octets).  Length written, -ENOENT for
 * an unknown id, -EMSGSIZE when room is too small.  Lengths are even
 * (14.1.1 padding included). */
int mgmt_encode(const struct mgmt_value *v, uint8_t *out, size_t room);

/* port_address <-> text ("fd00::1", "10.0.0.1", "00:11:22:33:44:55").
 * str: buf of len >= 46 octets.  parse: 0 or -EINVAL. */
const char *port_address_str(const struct port_address *a, char *buf, size_t len);
int port_address_parse(const char *s, struct port_address *a);

/* A received management message, 15.4.1 + 15.5.2 / 15.5.4. */
struct mgmt_req {
	uint8_t action;	     /* enum mgmt_action */
	uint16_t tlvType;    /* TLV_MANAGEMENT or TLV_MANAGEMENT_ERROR_STATUS */
	uint16_t id;	     /* managementId */
	uint16_t errorId;    /* MANAGEMENT_ERROR_STATUS only */
	const uint8_t *data; /* dataField (points into the message buffer) */
	size_t len;	     /* octets of dataField */
};

/* Split a MANAGEMENT message into *r.  It must carry exactly one TLV, of
 * type MANAGEMENT (value >= 2 octets) or MANAGEMENT_ERROR_STATUS (>= 8).
 * 0, or -EBADMSG (count it and drop the message). */
int mgmt_parse(const struct ptp_msg *m, struct mgmt_req *r);

/*
 * What a clock serves: get() fills v (v->id set by the caller) and returns
 * 0 or a negative MERR_* code to send back; set() applies v and returns 0
 * or -MERR_*.  remote is 1 when the request came from the network.  ctx
 * is the applet's.
 */
struct mgmt_ops {
	int (*get)(void *ctx, struct mgmt_value *v);
	int (*set)(void *ctx, const struct mgmt_value *v, int remote);
	void *ctx;
};

/* The answering clock: its identity, the port number of its one port. */
struct mgmt_self {
	struct clock_identity clockIdentity;
	uint16_t portNumber;
	int allow_set; /* 0: SET and COMMAND get NOT_SUPPORTED (remote off) */
};

/*
 * Answer request m (15.3): drop it (return 0) unless it is a GET, SET or
 * COMMAND with one TLV and targetPortIdentity is ours or the wildcard for
 * the id's scope (clock-level: port 0 or 0xffff; port-level: our port or
 * 0xffff).  Otherwise build the RESPONSE / ACKNOWLEDGE, or an error status
 * (NO_SUCH_ID for ids we do not know, NOT_SUPPORTED for actions the id
 * does not take or ops refuse, WRONG_LENGTH for a dataField that does not
 * fit, WRONG_VALUE / NOT_SETABLE from set()), into *resp with its TLV value
 * in buf (room octets, >= PTP_MSG_MAX_LEN).  Header: sequenceId copied,
 * targetPortIdentity = requester, startingBoundaryHops = request's
 * starting - boundaryHops, boundaryHops the same (15.3.3).  Returns 1 when
 * *resp is to be sent.
 */
int mgmt_answer(const struct mgmt_self *self, const struct mgmt_ops *ops, const struct ptp_msg *m,
		int remote, struct ptp_msg *resp, uint8_t *buf, size_t room);

struct net_addr;
/* 5.3.6 PortAddress of a transport address (UDP/IPv4 1, UDP/IPv6 2). */
void mgmt_port_address(const struct net_addr *a, struct port_address *pa);

#endif
