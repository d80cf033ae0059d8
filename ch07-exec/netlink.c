/* netlink.c: links, addresses and routes, made by talking rtnetlink
 * (netlink(7), rtnetlink(7)) with libmnl, as `ip link add`, `ip addr add`
 * and `ip route add` do, without spawning `ip` for each container.
 *
 * A request is one message: a netlink header (nlmsghdr: what to do, with
 * NLM_F_REQUEST | NLM_F_ACK, and NLM_F_CREATE | NLM_F_EXCL to make
 * something new), a fixed header for the kind of object (ifinfomsg for a
 * link, ifaddrmsg for an address, rtmsg for a route), then attributes, each
 * type-length-value, some of them nested (a veth's peer is a whole link
 * inside its parent's IFLA_LINKINFO). The kernel answers with an
 * NLMSG_ERROR message whose error is 0, or minus an errno. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <net/if.h> /* before the linux/ headers: if_nametoindex(3), IFF_UP */
#include <linux/if_link.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "mydocker.h"

/* Sends the request in buf on a netlink bus (NETLINK_ROUTE, or
 * NETLINK_NETFILTER for nftables and conntrack) and reads the kernel's
 * answer: 0, or -1 with its errno (EEXIST, ENODEV, EPERM, ...). A dump's
 * messages go to each(), until NLMSG_DONE or until each() stops. */
static int netlink_talk(int bus, struct nlmsghdr *nlh, mnl_cb_t each, void *data)
{
	struct mnl_socket *sock = mnl_socket_open2(bus, SOCK_CLOEXEC);
	int ret = -1, saved_errno;

	if (!sock)
		return -1;
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = (unsigned int)time(NULL);
	if (mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID) == 0 &&
	    mnl_socket_sendto(sock, nlh, nlh->nlmsg_len) >= 0) {
		char answer[MNL_SOCKET_BUFFER_SIZE];
		unsigned int portid = mnl_socket_get_portid(sock);
		/* mnl_cb_run() turns an NLMSG_ERROR with an errno into -1 and
		 * errno; it is 1 while a dump goes on, 0 at its end or at an ack */
		do {
			ssize_t n = mnl_socket_recvfrom(sock, answer, sizeof answer);
			ret = n < 0 ? -1 : mnl_cb_run(answer, (size_t)n, nlh->nlmsg_seq, portid, each, data);
		} while (ret > 0);
	}
	saved_errno = errno;
	mnl_socket_close(sock);
	errno = saved_errno;
	return ret;
}

/* A new message in buf (zeroed): its header, and the fixed header of the
 * object it is about, of size fixed. */
static struct nlmsghdr *new_message(char *buf, size_t size, int type, int flags, size_t fixed)
{
	struct nlmsghdr *nlh;

	memset(buf, 0, size);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (unsigned short)type;
	nlh->nlmsg_flags = (unsigned short)flags;
	mnl_nlmsg_put_extra_header(nlh, fixed);
	return nlh;
}

/* The index of link name in our network namespace; 0 with ENODEV. */
static int link_index(const char *name)
{
	unsigned int index = if_nametoindex(name);

	if (index == 0)
		errno = ENODEV;
	return (int)index;
}

/* ip link add NAME type bridge */
int link_add_bridge(const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = new_message(buf, sizeof buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL,
					   sizeof(struct ifinfomsg));
	struct nlattr *info;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, info);
	return netlink_talk(NETLINK_ROUTE, nlh, NULL, NULL);
}

/* ip link add NAME type veth peer name PEER netns PID: two ends of one
 * cable; what goes in at one end comes out at the other. The peer is made
 * in the network namespace of process pid (0: ours): made there at once,
 * it costs less than a move (a move unregisters the link and waits for the
 * network stack to forget it, synchronize_net()). */
int link_add_veth(const char *name, const char *peer, pid_t pid)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = new_message(buf, sizeof buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL,
					   sizeof(struct ifinfomsg));
	struct nlattr *info, *data, *peer_link;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	/* the peer is described as a link of its own: an ifinfomsg, then its
	 * attributes, nested in VETH_INFO_PEER */
	peer_link = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	if (pid > 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_PID, (uint32_t)pid);
	mnl_attr_nest_end(nlh, peer_link);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return netlink_talk(NETLINK_ROUTE, nlh, NULL, NULL);
}

/* A change to an existing link, named by its index. */
static struct nlmsghdr *link_change(char *buf, size_t size, const char *name)
{
	struct nlmsghdr *nlh = new_message(buf, size, RTM_NEWLINK, 0, sizeof(struct ifinfomsg));
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = link_index(name);
	return ifi->ifi_index ? nlh : NULL;
}

/* ip link set NAME up */
int link_set_up(const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = link_change(buf, sizeof buf, name);
	struct ifinfomsg *ifi;

	if (!nlh)
		return -1;
	ifi = mnl_nlmsg_get_payload(nlh);
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	return netlink_talk(NETLINK_ROUTE, nlh, NULL, NULL);
}

/* ip link set NAME master BRIDGE: plug the cable's end into the bridge */
int link_set_master(const char *name, const char *bridge)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = link_change(buf, sizeof buf, name);
	int master = link_index(bridge);

	if (!nlh || !master)
		return -1;
	mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	return netlink_talk(NETLINK_ROUTE, nlh, NULL, NULL);
}

/* ip link del NAME; a veth takes its peer with it. */
int link_delete(const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = new_message(buf, sizeof buf, RTM_DELLINK, 0, sizeof(struct ifinfomsg));
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	ifi->ifi_index = link_index(name);
	if (!ifi->ifi_index)
		return -1;
	return netlink_talk(NETLINK_ROUTE, nlh, NULL, NULL);
}

/* ip addr add ADDR/PREFIX dev NAME */
int address_add(const char *name, struct in_addr addr, int prefix)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = new_message(buf, sizeof buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL,
					   sizeof(struct ifaddrmsg));
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	int index = link_index(name);

	if (!index)
		return -1;
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned int)index;
	mnl_attr_put(nlh, IFA_LOCAL, sizeof addr, &addr);
	mnl_attr_put(nlh, IFA_ADDRESS, sizeof addr, &addr);
	return netlink_talk(NETLINK_ROUTE, nlh, NULL, NULL);
}

struct route_search {
	const struct subnet *subnet;
	char *why;
	size_t size;
};

/* One route of a dump: does it overlap the subnet searched for? Then why,
 * and stop. The default route (prefix 0) overlaps everything: not it. */
static int say_if_overlapping(const struct nlmsghdr *nlh, void *data)
{
	struct route_search *search = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct subnet route = { 0, rtm->rtm_dst_len };
	const struct nlattr *a;
	char destination[32];

	mnl_attr_for_each(a, nlh, sizeof *rtm)
		if (mnl_attr_get_type(a) == RTA_DST)
			route.address = ntohl(mnl_attr_get_u32(a));
	if (route.prefix == 0 || !subnets_overlap(search->subnet, &route))
		return MNL_CB_OK;
	subnet_format(&route, destination, sizeof destination);
	snprintf(search->why, search->size, "the host's route to %s (ip route show table all)", destination);
	return MNL_CB_STOP;
}

/* Does s overlap a route of the host, in any routing table (ip route show
 * table all: policy routing may use any of them)? Its destination into why. */
bool overlaps_a_host_route(const struct subnet *s, char *why, size_t size)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = new_message(buf, sizeof buf, RTM_GETROUTE, NLM_F_DUMP, sizeof(struct rtmsg));
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct route_search search = { s, why, size };

	rtm->rtm_family = AF_INET;
	why[0] = '\0';
	if (netlink_talk(NETLINK_ROUTE, nlh, say_if_overlapping, &search) < 0 && !why[0])
		snprintf(why, size, "what mydocker cannot tell: reading the host's routes failed (%s)", strerror(errno));
	return why[0] != '\0';
}

/* ip route add default via GATEWAY */
int route_add_default(struct in_addr gateway)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = new_message(buf, sizeof buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL,
					   sizeof(struct rtmsg));
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 0; /* 0.0.0.0/0: every address */
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_GATEWAY, sizeof gateway, &gateway);
	return netlink_talk(NETLINK_ROUTE, nlh, NULL, NULL);
}

/* A message on the netfilter bus (NETLINK_NETFILTER): type is a
 * subsystem's in its high byte and the message in its low one
 * (NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_GETTABLE), about IPv4 (nfgenmsg's
 * family: NFPROTO_IPV4, which is AF_INET). */
static struct nlmsghdr *netfilter_message(char *buf, size_t size, int type, int flags)
{
	struct nlmsghdr *nlh = new_message(buf, size, type, flags, sizeof(struct nfgenmsg));
	struct nfgenmsg *family = mnl_nlmsg_get_payload(nlh);

	family->nfgen_family = NFPROTO_IPV4;
	family->version = NFNETLINK_V0;
	return nlh;
}

/* Does nftables have table ip NAME? One NFT_MSG_GETTABLE, as `nft list
 * table` begins with: libnftables would load, and read the whole ruleset
 * first, some milliseconds on every run --net (make bench). */
bool nft_table_exists(const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = netfilter_message(buf, sizeof buf, (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETTABLE, 0);

	mnl_attr_put_strz(nlh, NFTA_TABLE_NAME, name);
	return netlink_talk(NETLINK_NETFILTER, nlh, NULL, NULL) == 0;
}

/* Where a connection's answers come from: its CTA_TUPLE_REPLY's
 * CTA_TUPLE_IP's CTA_IP_V4_SRC, the address a DNAT sent it on to. */
static uint32_t reply_source(const struct nlattr *reply)
{
	struct nlattr *ip;

	mnl_attr_for_each_nested(ip, reply) {
		struct nlattr *attr;
		if (mnl_attr_get_type(ip) != CTA_TUPLE_IP)
			continue;
		mnl_attr_for_each_nested(attr, ip)
			if (mnl_attr_get_type(attr) == CTA_IP_V4_SRC)
				return ntohl(mnl_attr_get_u32(attr));
	}
	return 0;
}

/* conntrack -D of one connection, named by its original tuple. */
static void forget_connection(const struct nlattr *orig)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = netfilter_message(buf, sizeof buf, (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_DELETE, 0);

	mnl_attr_put(nlh, orig->nla_type, mnl_attr_get_payload_len(orig), mnl_attr_get_payload(orig));
	netlink_talk(NETLINK_NETFILTER, nlh, NULL, NULL); /* ENOENT: it ended meanwhile */
}

/* One connection of the dump: forgotten if its answers come from the
 * address in data. */
static int forget_if_sent_to(const struct nlmsghdr *nlh, void *data)
{
	const uint32_t *address = data;
	struct nlattr *attr, *orig = NULL;
	bool sent_there = false;

	mnl_attr_for_each(attr, nlh, sizeof(struct nfgenmsg)) {
		if (mnl_attr_get_type(attr) == CTA_TUPLE_ORIG)
			orig = attr;
		else if (mnl_attr_get_type(attr) == CTA_TUPLE_REPLY)
			sent_there = reply_source(attr) == *address;
	}
	if (orig && sent_there)
		forget_connection(orig);
	return MNL_CB_OK;
}

/* conntrack -D --reply-src ADDRESS: forgets the connections sent on to
 * address (by a DNAT), which would go on to whoever has it next while
 * packets keep coming (UDP: moby#8795). As docker does it (its netlink
 * library's ConntrackDeleteFilters): a dump of the connections, and a
 * delete for each one whose answers come from address, on another socket
 * while the dump goes on. (Linux 6.12 can delete by a filter, CTA_FILTER,
 * in one message; older kernels take that message for one exact
 * connection, find none and delete nothing.) */
int conntrack_forget(uint32_t address)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = netfilter_message(buf, sizeof buf, (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET,
						 NLM_F_DUMP);

	return netlink_talk(NETLINK_NETFILTER, nlh, forget_if_sent_to, &address);
}
