/*
 * pcap capture files (tcpdump -w, Wireshark's "pcap" format) written on a
 * little-endian machine: the file header, then records of a header and
 * the packet's bytes. And the headers of an Ethernet frame carrying IPv4
 * and UDP or TCP, in network byte order. Written for cstruct from the
 * pcap-savefile(5) description and the protocols' RFCs.
 *
 *   cstruct dump -f pcap.h -t pcap_file_header capture.pcap
 *   cstruct dump -f pcap.h -t pcap_record -o 24 -n 0 capture.pcap
 *   cstruct dump -f pcap.h -t eth_ipv4_udp -o 40 capture.pcap    (the first packet)
 */

#define PCAP_MAGIC_USEC 0xa1b2c3d4  /* timestamps in microseconds */
#define PCAP_MAGIC_NSEC 0xa1b23c4d  /* in nanoseconds */

enum pcap_linktype : uint32 {
	LINKTYPE_NULL = 0, LINKTYPE_ETHERNET = 1, LINKTYPE_RAW = 101, LINKTYPE_IEEE802_11 = 105,
	LINKTYPE_LINUX_SLL = 113, LINKTYPE_LINUX_SLL2 = 276
};

struct pcap_file_header {
	uint32 magic;          /* PCAP_MAGIC_USEC or PCAP_MAGIC_NSEC */
	uint16 version_major;  /* 2 */
	uint16 version_minor;  /* 4 */
	int32  thiszone;       /* 0 */
	uint32 sigfigs;        /* 0 */
	uint32 snaplen;        /* longest packet kept */
	pcap_linktype linktype;
};

struct pcap_record {
	uint32 ts_sec;         /* seconds since the epoch */
	uint32 ts_usec;        /* microseconds (nanoseconds with PCAP_MAGIC_NSEC) */
	uint32 incl_len;       /* bytes kept in the file */
	uint32 orig_len;       /* bytes on the wire */
	uint8  data[incl_len];
};

/* the packets' own headers: big-endian */
enum ether_type : uint16 { ETHERTYPE_IPV4 = 0x0800, ETHERTYPE_ARP = 0x0806, ETHERTYPE_VLAN = 0x8100, ETHERTYPE_IPV6 = 0x86dd };

struct ether_header {
	uint8  ether_dhost[6];
	uint8  ether_shost[6];
	ether_type ether_type;
} __attribute__((scalar_storage_order("big-endian")));

enum ip_proto : uint8 { IPPROTO_ICMP = 1, IPPROTO_TCP = 6, IPPROTO_UDP = 17, IPPROTO_ICMPV6 = 58 };

struct ipv4_header {
	uint8  version:4;      /* the high nibble: 4 */
	uint8  ihl:4;          /* header length in 32-bit words */
	uint8  tos;
	uint16 tot_len;
	uint16 id;
	uint16 frag_off;
	uint8  ttl;
	ip_proto protocol;
	uint16 check;
	uint8  saddr[4];
	uint8  daddr[4];
} __attribute__((scalar_storage_order("big-endian")));

struct udp_header {
	uint16 source;
	uint16 dest;
	uint16 len;            /* header and payload */
	uint16 check;
} __attribute__((scalar_storage_order("big-endian")));

struct tcp_header {
	uint16 source;
	uint16 dest;
	uint32 seq;
	uint32 ack_seq;
	uint16 doff:4, res:4, flags:8;   /* from the high bits down */
	uint16 window;
	uint16 check;
	uint16 urg_ptr;
} __attribute__((scalar_storage_order("big-endian")));

/* a UDP datagram over IPv4 over Ethernet, without IP options */
struct eth_ipv4_udp {
	struct ether_header eth;
	struct ipv4_header  ip;
	struct udp_header   udp;
	uint8 payload[udp.len - 8];
};
