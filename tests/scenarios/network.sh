# network.sh: chapter 6, networks: a bridge per network (ch06-bridge); an
# address per container from the network's subnet, a veth from the bridge
# into the container (ch06-network). Traffic goes only to addresses these scenarios gave out
# (containers, bridges' gateways), in subnets of 198.18.0.0/15, the block
# kept for tests (RFC 2544); networks are named mdt* (tests/lib/host.sh
# removes such links if a scenario fails halfway).

since ch06-bridge
# They make links and rules every container shares: one at a time.
exclusive

# network_create NAME CIDR: a network the scenario makes; expects success.
network_create() {
	mydocker network create --driver bridge --subnet "$2" "$1"
	expect_status 0
}

# ip_of NAME: the container's address as ps shows it (its last column).
ip_of() {
	"$MYDOCKER" ps | awk -v name="$1" '$2 == name { print $NF }'
}

# hint: network create: the bridge (RTM_NEWLINK, kind "bridge") with the subnet's first address, up; its config in networks/NAME/.
test_network_create_ls_rm() {
	network_create mdtone 198.18.1.0/24
	ip -o -4 addr show dev mdtone | grep -q 'inet 198.18.1.1/24' || fail "the bridge mdtone has not the gateway's address: $(ip -o -4 addr show dev mdtone)"
	ip -o link show dev mdtone | grep -q 'state UP\|,UP' || fail "the bridge mdtone is not up"
	mydocker network ls
	expect_status 0
	expect_eq "network ls" "NAME DRIVER SUBNET GATEWAY
mdtone bridge 198.18.1.0/24 198.18.1.1" "$(tr -s ' ' <"$T/stdout")"
	mydocker network rm mdtone
	expect_status 0
	expect_stdout mdtone
	! ip link show dev mdtone >/dev/null 2>&1 || fail "network rm left the bridge"
}

# hint: One line and 125 for each: a bad CIDR, host bits set, a prefix outside /8../30, an overlap, a name over 15 characters, a name taken.
test_network_create_refuses_what_cannot_be() {
	local cidr
	for cidr in 198.18.1.0 198.18.1.0/33 198.18.1.0/31 10.0.0.0/7 198.18.1.7/24 nonsense/24 \
		0.0.0.0/8 127.0.0.0/8 127.5.0.0/16 169.254.0.0/16 224.0.0.0/8 239.1.0.0/16 240.0.0.0/8; do
		mydocker network create --subnet "$cidr" mdtbad
		expect_status 125
		expect_one_error_line "invalid subnet"
	done
	mydocker network create --subnet 198.18.1.0/24 mdtname-longer-than-15
	expect_status 125
	expect_one_error_line "too long for a bridge"
	mydocker network create --driver overlay --subnet 198.18.1.0/24 mdtbad
	expect_status 125
	expect_one_error_line "unknown driver overlay"
	network_create mdtone 198.18.1.0/24
	mydocker network create --subnet 198.18.1.128/25 mdttwo
	expect_status 125
	expect_one_error_line "overlaps network mdtone"
	mydocker network create --subnet 198.18.2.0/24 mdtone
	expect_status 125
	expect_one_error_line "network mdtone exists"
	# the host's own route (its eth0's subnet, or any other)
	local route=$(ip -4 route show | awk '$1 ~ /\// && $1 !~ /^198\.1[89]\./ { print $1; exit }')
	[ -n "$route" ] || fail "this host has no IPv4 route other than the default to test against"
	mydocker network create --subnet "$route" mdtthree
	expect_status 125
	expect_one_error_line "overlaps the host's route"
	[ -z "$(ip -o link show | grep -o 'mdtbad\|mdttwo\|mdtthree')" ] || fail "a refused network left a bridge"
	mydocker network rm mdtone
	expect_status 0
}

# A subnet routed by a table other than main (policy routing: ip rule
# picks the table) is the host's too: every table is read, as `ip route
# show table all` does. The route is one nobody uses: no rule points at
# table 4242.
# hint: overlaps_a_host_route(): an RTM_GETROUTE dump (NLM_F_DUMP) of every table; netlink_talk() reads the answers until NLMSG_DONE.
test_a_subnet_routed_in_another_table_is_refused() {
	ip route add unreachable 198.18.77.0/24 table 4242 || fail "cannot add a route to table 4242"
	mydocker network create --subnet 198.18.0.0/16 mdtwide
	ip route del unreachable 198.18.77.0/24 table 4242 # before any check can end the scenario
	expect_status 125
	expect_one_error_line "overlaps the host's route to 198.18.77.0/24"
	! ip link show dev mdtwide >/dev/null 2>&1 || fail "a refused network left a bridge"
}

since ch06-network

# A container must not become the host's IPv6 router (CVE-2020-13401):
# from now on containers are on the bridge, and could send it one.
# part: 1
# hint: Write 0 to /proc/sys/net/ipv6/conf/BRIDGE/accept_ra before the bridge is up.
test_a_bridge_takes_no_ipv6_router_adverts() {
	[ -d /proc/sys/net/ipv6/conf ] || skip "this host has no IPv6"
	network_create mdtra 198.18.2.0/24
	expect_eq "accept_ra on the bridge" 0 "$(cat /proc/sys/net/ipv6/conf/mdtra/accept_ra)"
	mydocker network rm mdtra
	expect_status 0
}

# part: 1
# hint: The veth: one end into the bridge (IFLA_MASTER), the other into the container's netns (IFLA_NET_NS_PID); init names it eth0, adds the address and the default route.
test_containers_on_one_network_reach_each_other_and_the_gateway() {
	network_create mdtone 198.18.1.0/24
	mydocker run -d --name a --net mdtone "${IMAGE[@]}" sleep 1000
	expect_status 0
	mydocker run -d --name b -net mdtone "${IMAGE[@]}" sleep 1000
	expect_status 0
	expect_eq "a's address" 198.18.1.2 "$(ip_of a)"
	expect_eq "b's address" 198.18.1.3 "$(ip_of b)"
	mydocker exec a /bin/sh -c 'ip -o -4 addr show eth0 | awk "{ print \$4 }"; ip route | head -n 1; ip -o link show lo | grep -o "LOOPBACK,UP"'
	expect_status 0
	expect_stdout "198.18.1.2/24
default via 198.18.1.1 dev eth0 
LOOPBACK,UP"
	mydocker exec a ping -c 1 -W 2 198.18.1.3
	expect_status 0
	mydocker exec b ping -c 1 -W 2 198.18.1.1
	expect_status 0
	mydocker rm -f a b
	expect_status 0
	mydocker network rm mdtone
	expect_status 0
}

# part: 1
# hint: Each network is a bridge of its own, and the host does not forward between them (ip_forward stays 0).
test_a_container_on_another_network_cannot_reach_them() {
	network_create mdtone 198.18.1.0/24
	network_create mdttwo 198.18.2.0/24
	mydocker run -d --name a --net mdtone "${IMAGE[@]}" sleep 1000
	expect_status 0
	mydocker run -d --name c --net mdttwo "${IMAGE[@]}" sleep 1000
	expect_status 0
	mydocker exec c ping -c 1 -W 1 198.18.1.2
	[ "$status" != 0 ] || fail "a container of mdttwo reached one of mdtone"
	mydocker rm -f a c
	mydocker network rm mdtone mdttwo
	expect_status 0
}

# part: 1
# hint: Without --net the container has only lo, up; --ip asks for one address; ps and exec see the network.
test_without_net_only_lo_and_with_ip_that_address() {
	mydocker run --rm "${IMAGE[@]}" /bin/sh -c 'ls /sys/class/net; ip -o link show lo | grep -o "LOOPBACK,UP"'
	expect_status 0
	expect_stdout "lo
LOOPBACK,UP"
	network_create mdtone 198.18.1.0/24
	mydocker run -d --name a --net mdtone --ip 198.18.1.77 "${IMAGE[@]}" sleep 1000
	expect_status 0
	expect_eq "a's address" 198.18.1.77 "$(ip_of a)"
	mydocker run -d --name b --net mdtone --ip 198.18.1.77 "${IMAGE[@]}" sleep 1000
	expect_status 125
	expect_one_error_line "--ip 198.18.1.77: taken by container"
	mydocker run --rm --net mdtone --ip 198.18.1.1 "${IMAGE[@]}" true
	expect_status 125
	expect_one_error_line "not an address a container can have"
	mydocker run --rm --ip 198.18.1.9 "${IMAGE[@]}" true
	expect_status 125
	expect_one_error_line "--ip needs --net"
	mydocker run --rm --net mdtnone "${IMAGE[@]}" true
	expect_status 125
	expect_one_error_line "no network mdtnone"
	mydocker rm -f a
	mydocker network rm mdtone
	expect_status 0
}

# part: 2
# hint: ipam_allocate() holds flock(2) on networks/NAME/lock while it reads, picks and rewrites the addresses: no two runs get one address.
test_a_slash_27_gives_29_addresses_at_once_and_then_is_full() {
	local i
	network_create mdtsmall 198.18.3.0/27
	for i in $(seq 29); do
		mydocker_bg run -d --net mdtsmall "${IMAGE[@]}" sleep 1000 >"$T/id.$i" 2>"$T/err.$i" &
	done
	wait
	[ "$(cat "$T"/id.* | grep -c '^[0-9a-f]\{12\}$')" = 29 ] || fail "29 runs did not all start: $(cat "$T"/err.*)"
	"$MYDOCKER" ps | awk 'NR > 1 { print $NF }' | sort >"$T/addresses"
	expect_eq "distinct addresses" 29 "$(sort -u "$T/addresses" | wc -l)"
	expect_eq "the addresses" "$(seq 2 30 | sed 's/^/198.18.3./' | sort)" "$(cat "$T/addresses")"
	mydocker run -d --net mdtsmall "${IMAGE[@]}" sleep 1000
	expect_status 125
	expect_one_error_line "subnet full"
	for i in $(seq 29); do "$MYDOCKER" rm -f "$(cat "$T/id.$i")" >/dev/null; done
	mydocker network rm mdtsmall
	expect_status 0
}

# part: 2
# hint: The monitor gives the address back when the container exits; prune gives back those of containers whose mydocker was killed.
test_addresses_come_back_after_exit_and_after_prune() {
	network_create mdtone 198.18.1.0/24
	mydocker run --rm --net mdtone "${IMAGE[@]}" true
	expect_status 0
	mydocker run -d --name a --net mdtone "${IMAGE[@]}" sleep 1000
	expect_status 0
	expect_eq "the first address, again" 198.18.1.2 "$(ip_of a)"
	# kill -9 the monitor: its container dies with it; the address stays taken
	local monitor=$("$MYDOCKER" ps --format json | awk '$1 == "\"monitor_pid\":" { print $2 + 0 }')
	[ -n "$monitor" ] || fail "no monitor pid in ps --format json"
	kill -KILL "$monitor"
	wait_until "the container died with its monitor" none_running_here 'sleep [1]000'
	grep -q '^198.18.1.2 ' "$MYDOCKER_ROOT/networks/mdtone/addresses" || fail "the address was given back without prune"
	mydocker network rm mdtone
	expect_status 0 # (nobody runs on it any more)
	network_create mdtone 198.18.1.0/24
	mydocker run -d --name b --net mdtone "${IMAGE[@]}" sleep 1000
	expect_status 0
	local id=$(stdout)
	"$MYDOCKER" ps --format json | awk '$1 == "\"monitor_pid\":" { print $2 + 0 }' | xargs kill -KILL
	wait_until "the container died with its monitor" none_running_here 'sleep [1]000'
	mydocker prune
	expect_status 0
	expect_stdout_has "stale address   mdtone:$id"
	mydocker prune --force
	expect_status 0
	[ -z "$(grep . "$MYDOCKER_ROOT/networks/mdtone/addresses")" ] || fail "prune left an address taken"
	wait_until "no veth is left" sh -c "! ip -o link show | grep -q 'veth[0-9a-f]\{11\}'"
	mydocker rm a b
	mydocker network rm mdtone
	expect_status 0
}

# part: 2
# hint: network rm refuses a network a running container holds an address in.
test_network_rm_refuses_a_network_in_use() {
	network_create mdtone 198.18.1.0/24
	mydocker run -d --name a --net mdtone "${IMAGE[@]}" sleep 1000
	expect_status 0
	mydocker network rm mdtone
	expect_status 125
	expect_one_error_line "network mdtone is in use by container a"
	ip link show dev mdtone >/dev/null 2>&1 || fail "a refused network rm removed the bridge"
	mydocker stop -t 0 a
	# one that is still starting holds its address too (strace holds its
	# init back at pivot_root(2); its record says "created")
	run_d_held b 2000 --net mdtone "${IMAGE[@]}" sleep 1000
	# (its name and record come before its address, which is what network
	# rm looks for, with a's released by the stop: wait for an address)
	wait_until "b holds an address on mdtone" grep -q . "$MYDOCKER_ROOT/networks/mdtone/addresses"
	mydocker network rm mdtone
	expect_status 125
	expect_one_error_line "network mdtone is in use by container b"
	rm_held b
	mydocker network rm mdtone
	expect_status 0
	mydocker rm a
}

# part: 2
# hint: check_network(): a child in a network namespace of its own makes a bridge and a veth; the host sees nothing.
test_check_says_what_a_network_needs() {
	mydocker check
	grep -q '^ok    network: bridge and veth can be made$' "$T/stdout" || fail "no ok line for the network: $(stdout)"
}
