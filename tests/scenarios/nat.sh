# nat.sh: chapter 6, a network's way out (outbound NAT and its isolation,
# ch06-nat) and port mapping (-p, ch06-ports), in nftables' table ip
# mydocker. The "outside" is a network namespace these scenarios
# make, 198.19.0.2, reached through a veth whose host end is 198.19.0.1:
# traffic goes only to addresses the scenarios gave out, in 198.18.0.0/15.
# Creating a network turns ip_forward on, as docker does: each scenario
# puts it back as it found it.

since ch06-nat
# They make links and rules every container shares: one at a time.
exclusive

# outside_start: the pretend host outside; outside CMD... runs CMD there.
outside_start() {
	unshare --net sleep 1000 &
	outside_pid=$!
	wait_until "the outside namespace exists" sh -c \
		"[ \"\$(readlink /proc/$outside_pid/ns/net)\" != \"\$(readlink /proc/self/ns/net)\" ]"
	ip link add mdtout type veth peer name eth0 netns "$outside_pid" || fail "cannot make the outside's veth"
	ip addr add 198.19.0.1/24 dev mdtout && ip link set mdtout up || fail "cannot set up mdtout"
	outside ip link set lo up && outside ip addr add 198.19.0.2/24 dev eth0 && outside ip link set eth0 up &&
		outside ip route add default via 198.19.0.1 || fail "cannot set up the outside"
}
outside() { nsenter -t "$outside_pid" -n "$@"; }
outside_stop() {
	kill "$outside_pid" 2>/dev/null
	wait "$outside_pid" 2>/dev/null
	ip link del mdtout 2>/dev/null
	return 0
}

# The container's web server: busybox httpd on port 80, serving "hello".
WEB='mkdir -p /www && echo hello-from-the-container >/www/index.html && exec httpd -f -p 80 -h /www'

# hint: masquerade what leaves the network's subnet by another link than its bridge: the outside sees the host's address.
test_a_container_reaches_outside_through_masquerade() {
	local forward=$(cat /proc/sys/net/ipv4/ip_forward)
	outside_start
	mkdir -p "$T/www" && echo from-outside >"$T/www/index.html"
	# (not through the function outside: $! must be httpd's own pid)
	nsenter -t "$outside_pid" -n busybox httpd -f -vv -p 9999 -h "$T/www" 2>"$T/outside.log" &
	local httpd=$!
	wait_until "the outside's httpd listens" sh -c "nsenter -t $outside_pid -n busybox netstat -ltn | grep -q ':9999 '"
	mydocker network create --subnet 198.18.1.0/24 mdtone
	expect_status 0
	mydocker run --rm --net mdtone "${IMAGE[@]}" /bin/sh -c 'printf "GET / HTTP/1.0\r\n\r\n" | nc -w 5 198.19.0.2 9999'
	expect_status 0
	expect_stdout_has from-outside
	# (httpd -vv logs the client, as [::ffff:ADDRESS]:PORT)
	grep -q '198\.19\.0\.1\]*:' "$T/outside.log" && ! grep -q '198\.18\.' "$T/outside.log" ||
		fail "the outside did not see the host's address: $(cat "$T/outside.log")"
	kill "$httpd"
	wait "$httpd" 2>/dev/null
	mydocker network rm mdtone
	expect_status 0
	outside_stop
	echo "$forward" >/proc/sys/net/ipv4/ip_forward
}

# Another host with a route to a network's subnet reaches none of its
# containers' ports: ip_forward is on, and only the answers to the
# containers' own connections go into the bridge.
# hint: network create turns ip_forward on; in forward, per network, what goes out on its bridge passes if it answers (ct state established,related) or comes from the same bridge, and the rest is dropped.
test_from_outside_no_container_port_is_reached() {
	local forward=$(cat /proc/sys/net/ipv4/ip_forward) ip
	outside_start
	mydocker network create --subnet 198.18.1.0/24 mdtone
	expect_status 0
	expect_eq "ip_forward" 1 "$(cat /proc/sys/net/ipv4/ip_forward)"
	mydocker run -d --name web --net mdtone "${IMAGE[@]}" /bin/sh -c "$WEB"
	expect_status 0
	wait_until "httpd listens" sh -c "'$MYDOCKER' exec web netstat -ltn | grep -q ':80 '"
	ip=$(ps_json_field web ip)
	outside ip route add 198.18.1.0/24 via 198.19.0.1 || fail "cannot route the outside to 198.18.1.0/24"
	LAST_CMD="curl http://$ip:80/ (outside, straight to the container)"
	[ -z "$(outside curl -s -m 3 "http://$ip:80/")" ] || fail "the outside reached the container's port 80 at $ip"
	mydocker rm -f web
	expect_status 0
	mydocker network rm mdtone
	expect_status 0
	outside_stop
	echo "$forward" >/proc/sys/net/ipv4/ip_forward
}

# hint: A network's rules are those whose comment is exactly "net NAME": n1 is not the start of n10's.
test_network_rm_leaves_the_rules_of_a_network_whose_name_it_begins() {
	local forward=$(cat /proc/sys/net/ipv4/ip_forward) before=$(nft list ruleset)
	mydocker network create --subnet 198.18.1.0/24 mdtn
	expect_status 0
	mydocker network create --subnet 198.18.2.0/24 mdtn0
	expect_status 0
	local rules=$(nft list table ip mydocker | grep -c 'comment "net mdtn0"')
	[ "$rules" -gt 0 ] || fail "network create mdtn0 made no rule"
	mydocker network rm mdtn
	expect_status 0
	expect_eq "the rules of mdtn0" "$rules" "$(nft list table ip mydocker | grep -c 'comment "net mdtn0"')"
	mydocker network rm mdtn0
	expect_status 0
	expect_eq "the ruleset" "$before" "$(nft list ruleset)"
	echo "$forward" >/proc/sys/net/ipv4/ip_forward
}

# A ruleset flushed under mydocker (`nft flush ruleset`, a firewall that
# reloads its own) takes every network's isolation and masquerade with
# it: check says so, and the next run --net puts the rules of every
# network back. (The test deletes mydocker's table alone: the host's own
# rules stay.)
# hint: restore_network_rules(): under the networks' lock, when table ip mydocker is gone, nat_add_network() for every network; check_network_rules() says it is gone while networks exist.
test_network_rules_lost_to_a_flush_come_back_with_the_next_run() {
	local forward=$(cat /proc/sys/net/ipv4/ip_forward) before=$(nft list ruleset) rules after
	mydocker network create --subnet 198.18.1.0/24 mdtn
	expect_status 0
	mydocker network create --subnet 198.18.2.0/24 mdtn0
	expect_status 0
	rules=$(nft list table ip mydocker | grep -c 'comment "net mdtn0*"')
	[ "$rules" -gt 0 ] || fail "network create made no rule"
	nft delete table ip mydocker
	mydocker check
	[ "$status" = 1 ] || fail "check found nothing wrong without table ip mydocker (exit $status)"
	expect_stdout_has "FAIL  network rules: table ip mydocker is gone"
	mydocker run --rm --net mdtn "${IMAGE[@]}" true
	expect_status 0
	after=$(nft list table ip mydocker 2>/dev/null | grep -c 'comment "net mdtn0*"')
	expect_eq "both networks' rules after a run on one" "$rules" "$after"
	mydocker check
	expect_status 0
	mydocker network rm mdtn mdtn0
	expect_status 0
	expect_eq "the ruleset" "$before" "$(nft list ruleset)"
	echo "$forward" >/proc/sys/net/ipv4/ip_forward
}

# hint: check_nat(): add and delete table ip mydocker (unless it is there); say whether ip_forward is on.
test_check_says_what_nat_needs() {
	local before=$(nft list ruleset)
	mydocker check
	grep -q '^ok    nftables: table ip mydocker can be made$' "$T/stdout" || fail "no ok line for nftables: $(stdout)"
	grep -q '^ok    ip_forward: ' "$T/stdout" || fail "no line for ip_forward: $(stdout)"
	expect_eq "the ruleset" "$before" "$(nft list ruleset)"
}

since ch06-ports

# part: 1
# hint: DNAT in prerouting (traffic from elsewhere) and output (the host's own), for the host's addresses (fib daddr type local); 127.0.0.1 needs route_localnet on the bridge and a masquerade.
test_a_mapped_port_answers_from_the_host_and_from_outside() {
	local forward=$(cat /proc/sys/net/ipv4/ip_forward)
	outside_start
	mydocker network create --subnet 198.18.1.0/24 mdtone
	expect_status 0
	expect_eq "ip_forward" 1 "$(cat /proc/sys/net/ipv4/ip_forward)"
	mydocker run -d --name web --net mdtone -p 18080:80 "${IMAGE[@]}" /bin/sh -c "$WEB"
	expect_status 0
	wait_until "httpd listens" sh -c "'$MYDOCKER' exec web netstat -ltn | grep -q ':80 '"
	LAST_CMD="curl http://127.0.0.1:18080/ (on the host)"
	expect_eq "127.0.0.1:18080 from the host" hello-from-the-container "$(curl -s -m 5 http://127.0.0.1:18080/)"
	LAST_CMD="curl http://198.19.0.1:18080/ (on the host)"
	expect_eq "the host's own address from the host" hello-from-the-container "$(curl -s -m 5 http://198.19.0.1:18080/)"
	LAST_CMD="curl http://198.19.0.1:18080/ (outside)"
	expect_eq "the host's address from outside" hello-from-the-container "$(outside curl -s -m 5 http://198.19.0.1:18080/)"
	mydocker rm -f web
	expect_status 0
	LAST_CMD="curl http://127.0.0.1:18080/ once the container is gone"
	! curl -s -m 2 http://127.0.0.1:18080/ >/dev/null || fail "the port still answers"
	mydocker network rm mdtone
	expect_status 0
	outside_stop
	echo "$forward" >/proc/sys/net/ipv4/ip_forward
}

# -p IP:HOSTPORT:CONTAINERPORT maps the port at one of the host's addresses
# only, as docker's -p 127.0.0.1:8080:80 does: a service for the host
# alone. An address the host does not have is refused.
# part: 1
# hint: parse_port(): an IPv4 address before the host port; the DNAT matches ip daddr IP instead of fib daddr type local, and the host port is bound at IP.
test_p_with_an_address_maps_the_port_at_that_address_only() {
	local forward=$(cat /proc/sys/net/ipv4/ip_forward) bad
	outside_start
	mydocker network create --subnet 198.18.1.0/24 mdtone
	expect_status 0
	mydocker run -d --name web --net mdtone -p 127.0.0.1:18080:80 "${IMAGE[@]}" /bin/sh -c "$WEB"
	expect_status 0
	wait_until "httpd listens" sh -c "'$MYDOCKER' exec web netstat -ltn | grep -q ':80 '"
	LAST_CMD="curl http://127.0.0.1:18080/ (on the host)"
	expect_eq "127.0.0.1:18080 from the host" hello-from-the-container "$(curl -s -m 5 http://127.0.0.1:18080/)"
	LAST_CMD="curl http://198.19.0.1:18080/ (outside)"
	! outside curl -s -m 2 http://198.19.0.1:18080/ >/dev/null || fail "the port answers at another address of the host"
	mydocker rm -f web
	expect_status 0
	for bad in 198.19.255.7:18081:80 127.0.0.300:18081:80 x:18081:80; do
		mydocker run --rm --net mdtone -p "$bad" "${IMAGE[@]}" /bin/true
		expect_status 125
		case $bad in
		198.*) expect_one_error_line "198.19.255.7 is not an address of this host" ;;
		*) expect_one_error_line "invalid -p" ;;
		esac
	done
	mydocker network rm mdtone
	expect_status 0
	outside_stop
	echo "$forward" >/proc/sys/net/ipv4/ip_forward
}

# part: 1
# hint: One table, table ip mydocker: a port mapped twice is refused (125); the last network's removal deletes the table.
test_a_port_maps_once_and_the_ruleset_comes_back() {
	local forward=$(cat /proc/sys/net/ipv4/ip_forward) before=$(nft list ruleset)
	mydocker network create --subnet 198.18.1.0/24 mdtone
	expect_status 0
	nft list table ip mydocker >/dev/null || fail "no table ip mydocker"
	mydocker run -d --name a --net mdtone -p 18081:80 "${IMAGE[@]}" sleep 1000
	expect_status 0
	mydocker run -d --name b --net mdtone -p 18081:80 "${IMAGE[@]}" sleep 1000
	expect_status 125
	expect_one_error_line "port 18081/tcp is mapped already"
	mydocker run -d --name c --net mdtone -p 18081:80/udp "${IMAGE[@]}" sleep 1000
	expect_status 0
	mydocker run --rm --net mdtone -p 70000:80 "${IMAGE[@]}" true
	expect_status 125
	expect_one_error_line "invalid -p 70000:80"
	mydocker run --rm -p 18082:80 "${IMAGE[@]}" true
	expect_status 125
	expect_one_error_line "-p needs --net"
	mydocker rm -f a b c
	nft list table ip mydocker | grep -q 'dport 18081' && fail "the containers' rules stayed: $(nft list table ip mydocker)"
	mydocker network rm mdtone
	expect_status 0
	expect_eq "the ruleset" "$before" "$(nft list ruleset)"
	echo "$forward" >/proc/sys/net/ipv4/ip_forward
}

# Another host with a route to a network's subnet reaches only what -p
# maps: not the container's other ports at its own address.
# part: 1
# hint: In forward, per network: what goes out on its bridge passes if it answers (ct state established,related), if -p sent it (ct status dnat), or if it comes from the same bridge; the rest is dropped.
test_from_outside_only_the_mapped_ports_are_reached() {
	local forward=$(cat /proc/sys/net/ipv4/ip_forward) ip
	outside_start
	mydocker network create --subnet 198.18.1.0/24 mdtone
	expect_status 0
	mydocker run -d --name web --net mdtone -p 18085:80 "${IMAGE[@]}" /bin/sh -c "$WEB"
	expect_status 0
	wait_until "httpd listens" sh -c "'$MYDOCKER' exec web netstat -ltn | grep -q ':80 '"
	ip=$(ps_json_field web ip)
	outside ip route add 198.18.1.0/24 via 198.19.0.1 || fail "cannot route the outside to 198.18.1.0/24"
	LAST_CMD="curl http://198.19.0.1:18085/ (outside)"
	expect_eq "the mapped port from outside" hello-from-the-container "$(outside curl -s -m 5 http://198.19.0.1:18085/)"
	LAST_CMD="curl http://$ip:80/ (outside, straight to the container)"
	[ -z "$(outside curl -s -m 3 "http://$ip:80/")" ] || fail "the outside reached the container's port 80 at $ip, which no -p maps"
	mydocker rm -f web
	expect_status 0
	mydocker network rm mdtone
	expect_status 0
	outside_stop
	echo "$forward" >/proc/sys/net/ipv4/ip_forward
}

# A service the host keeps to itself on 127.0.0.1 stays the host's: the
# bridge's route_localnet (for 127.0.0.1:HOSTPORT) would let in a packet to
# 127.0.0.1 that a container sends to the bridge (CVE-2020-8558). The
# container plays the attacker with the host's tools in its network
# namespace (nsenter): its 127.0.0.1 through eth0 instead of lo, as one
# with CAP_NET_RAW could craft it.
# part: 1
# hint: A rule per network in table ip mydocker, before conntrack and NAT (prerouting, priority raw): what comes in on the bridge for 127.0.0.0/8 is dropped.
# lab: holds from the start: ch06-nat sets no route_localnet, so no packet to 127.0.0.1 gets in from a bridge; it guards against the hole route_localnet opens
test_a_container_cannot_reach_what_the_host_serves_on_127_0_0_1() {
	local forward=$(cat /proc/sys/net/ipv4/ip_forward) server pid
	mkdir -p "$T/www" && echo host-only >"$T/www/index.html"
	busybox httpd -f -p 127.0.0.1:18084 -h "$T/www" &
	server=$!
	wait_until "the host's service answers" curl -s -m 1 http://127.0.0.1:18084/
	mydocker network create --subnet 198.18.1.0/24 mdtone
	expect_status 0
	mydocker run -d --name box --net mdtone "${IMAGE[@]}" sleep 1000
	expect_status 0
	pid=$(ps_json_field box pid)
	LAST_CMD="in the container's network namespace: 127.0.0.1 via 198.18.1.1 on eth0"
	inside() { nsenter -t "$pid" -n "$@"; }
	inside ip route del local 127.0.0.1 dev lo table local &&
		inside ip route del local 127.0.0.0/8 dev lo table local &&
		inside sh -c 'echo 1 >/proc/sys/net/ipv4/conf/eth0/route_localnet' &&
		inside ip route add 127.0.0.1/32 via 198.18.1.1 dev eth0 || fail "cannot route the container's 127.0.0.1 to the bridge"
	# The container's own kernel drops the answers (from 127.0.0.1 on eth0),
	# so what shows the hole is on the host: the service answered the SYN,
	# and a half-open connection from the container's address waits there.
	LAST_CMD="curl http://127.0.0.1:18084/ (in the container's network namespace)"
	local ip=$(ps_json_field box ip) seen= i attacker
	# (half-open connections of an earlier run go once their SYN-ACKs give up)
	wait_until "no half-open connection from $ip to 18084 is left from before" \
		sh -c "! ss -Htn state syn-recv '( sport = :18084 )' | grep -qF ' $ip:'"
	inside curl -s -m 3 http://127.0.0.1:18084/ >"$T/attack" &
	attacker=$!
	for i in $(seq 20); do
		ss -Htn state syn-recv '( sport = :18084 )' | grep -qF " $ip:" && { seen=yes; break; }
		sleep 0.1
	done
	wait "$attacker"
	[ -z "$seen" ] || fail "the container's packets to 127.0.0.1:18084 reached the host's service (ss shows it answering $ip)"
	[ "$(cat "$T/attack")" != host-only ] || fail "a container read the host's 127.0.0.1:18084"
	expect_eq "the host's own 127.0.0.1:18084" host-only "$(curl -s -m 3 http://127.0.0.1:18084/)"
	kill "$server"
	wait "$server" 2>/dev/null
	mydocker rm -f box
	expect_status 0
	mydocker network rm mdtone
	expect_status 0
	echo "$forward" >/proc/sys/net/ipv4/ip_forward
}

# A host service on 127.0.0.1:18083 keeps its port: -p 18083:80 would DNAT
# its traffic away, so the start fails, as docker's does (its proxy binds
# the port). And while a container has a port, no host service takes it.
# part: 1
# hint: bind(2) the host port (INADDR_ANY) for as long as it is mapped, close-on-exec: EADDRINUSE means a host service has it.
test_a_port_a_host_service_has_is_not_taken_over() {
	local forward=$(cat /proc/sys/net/ipv4/ip_forward) server
	mkdir -p "$T/www" && echo hello-from-the-host >"$T/www/index.html"
	busybox httpd -f -p 127.0.0.1:18083 -h "$T/www" &
	server=$!
	wait_until "the host's service answers" curl -s -m 1 http://127.0.0.1:18083/
	mydocker network create --subnet 198.18.1.0/24 mdtone
	expect_status 0
	mydocker run -d --name web --net mdtone -p 18083:80 "${IMAGE[@]}" /bin/sh -c "$WEB"
	expect_status 125
	expect_one_error_line "port 18083/tcp is in use on this host"
	LAST_CMD="curl http://127.0.0.1:18083/ (on the host)"
	expect_eq "the host's service, after the refused start" hello-from-the-host "$(curl -s -m 5 http://127.0.0.1:18083/)"
	kill "$server"
	wait "$server" 2>/dev/null
	mydocker run -d --name web --net mdtone -p 18083:80 "${IMAGE[@]}" /bin/sh -c "$WEB"
	expect_status 0
	LAST_CMD="busybox httpd -f -p 127.0.0.1:18083 while the container has the port"
	timeout 2 busybox httpd -f -p 127.0.0.1:18083 -h "$T/www" 2>/dev/null
	[ $? != 124 ] || fail "a host service took the container's port (it ran until the timeout)"
	mydocker rm -f web
	expect_status 0
	mydocker network rm mdtone
	expect_status 0
	echo "$forward" >/proc/sys/net/ipv4/ip_forward
}

# part: 2
# hint: prune_ports(): rules whose comment names a container nobody looks after.
test_prune_removes_the_rules_of_a_killed_container() {
	local forward=$(cat /proc/sys/net/ipv4/ip_forward)
	mydocker network create --subnet 198.18.1.0/24 mdtone
	expect_status 0
	mydocker run -d --name a --net mdtone -p 18083:80 "${IMAGE[@]}" sleep 1000
	expect_status 0
	local id=$(stdout)
	"$MYDOCKER" ps --format json | awk '$1 == "\"monitor_pid\":" { print $2 + 0 }' | xargs kill -KILL
	wait_until "the container died with its monitor" none_running_here 'sleep [1]000'
	nft list table ip mydocker | grep -q 'dport 18083' || fail "the rule went without prune"
	mydocker prune --force
	expect_status 0
	expect_stdout_has "removed ports   $id"
	! nft list table ip mydocker | grep -q 'dport 18083' || fail "prune left the rule"
	mydocker rm a
	mydocker network rm mdtone
	expect_status 0
	echo "$forward" >/proc/sys/net/ipv4/ip_forward
}

# network rm takes with it the port rules into its subnet that a killed
# mydocker left: else a later container given the same address, on a
# network made again with the same subnet, would be published without a
# -p. Another network's rules stay.
# part: 2
# hint: list_rules() reads each rule's "dnat to A.B.C.D" too; nat_remove_network() deletes the "port ..." rules whose address is in the network's subnet.
test_network_rm_removes_the_port_rules_left_in_its_subnet() {
	local forward=$(cat /proc/sys/net/ipv4/ip_forward)
	mydocker network create --subnet 198.18.1.0/24 mdtone
	expect_status 0
	mydocker network create --subnet 198.18.2.0/24 mdttwo
	expect_status 0
	mydocker run -d --name a --net mdtone -p 18083:80 "${IMAGE[@]}" sleep 1000
	expect_status 0
	mydocker run -d --name b --net mdttwo -p 18084:80 "${IMAGE[@]}" sleep 1000
	expect_status 0
	ps_json_field a monitor_pid | xargs kill -KILL
	wait_until "the container died with its monitor" sh -c "'$MYDOCKER' ps -a | grep -q ' a .*exited'"
	nft list table ip mydocker | grep -q 'dport 18083' || fail "the rule went without network rm"
	mydocker network rm mdtone
	expect_status 0
	! nft list table ip mydocker | grep -q 'dport 18083' || fail "network rm left the rule into its subnet"
	nft list table ip mydocker | grep -q 'dport 18084' || fail "network rm took another network's rule"
	mydocker prune --force # a's layer and cgroup; its rule is gone already
	expect_status 0
	! grep -q "removed ports" "$T/stdout" || fail "network rm left ports for prune: $(stdout)"
	mydocker rm -f a b
	mydocker network rm mdttwo
	expect_status 0
	echo "$forward" >/proc/sys/net/ipv4/ip_forward
}

# The connections the host sent on to a container (a DNAT's) go with its
# port rules: at its end, and at network rm for the rules a killed
# mydocker left. Else a UDP stream to the port keeps going to the old
# address, and to whoever gets it next (moby#8795). Another container's
# connections stay.
# part: 2
# hint: conntrack_forget(ADDRESS): a dump of the connections (IPCTNL_MSG_CT_GET, NLM_F_DUMP), and an IPCTNL_MSG_CT_DELETE with the original tuple of each whose reply comes from ADDRESS, once delete_rules() has deleted the DNAT's rules.
test_the_connections_sent_on_to_a_container_go_with_its_port_rules() {
	local forward=$(cat /proc/sys/net/ipv4/ip_forward) ip kept
	[ -r /proc/net/nf_conntrack ] || skip "no /proc/net/nf_conntrack to read the connections from"
	mydocker network create --subnet 198.18.1.0/24 mdtone
	expect_status 0
	mydocker network create --subnet 198.18.2.0/24 mdttwo
	expect_status 0
	mydocker run -d --name keep --net mdttwo -p 18086:86/udp "${IMAGE[@]}" sleep 1000
	expect_status 0
	kept=$(ps_json_field keep ip)
	echo ping >/dev/udp/127.0.0.1/18086
	wait_until "conntrack holds the datagram's connection, sent on to $kept" \
		grep -q "dport=18086 .* src=$kept " /proc/net/nf_conntrack
	for name in a b; do
		mydocker run -d --name $name --net mdtone -p 18085:85/udp "${IMAGE[@]}" sleep 1000
		expect_status 0
		ip=$(ps_json_field $name ip)
		[ -n "$ip" ] || fail "ps has no address for $name"
		echo ping >/dev/udp/127.0.0.1/18085
		wait_until "conntrack holds the datagram's connection, sent on to $ip" \
			grep -q "dport=18085 .* src=$ip " /proc/net/nf_conntrack
		if [ $name = a ]; then
			mydocker rm -f a
			expect_status 0
		else
			ps_json_field b monitor_pid | xargs kill -KILL
			wait_until "b died with its monitor" sh -c "'$MYDOCKER' ps -a | grep -q ' b .*exited'"
			grep -q "dport=18085 .* src=$ip " /proc/net/nf_conntrack || fail "the connection went without network rm"
			mydocker network rm mdtone
			expect_status 0
		fi
		! grep "dport=18085 .* src=$ip " /proc/net/nf_conntrack || fail "a connection to $ip stayed after $name's end"
	done
	grep -q "dport=18086 .* src=$kept " /proc/net/nf_conntrack || fail "the connection to another container went too"
	mydocker prune --force # b's layer and cgroup
	mydocker rm -f b keep
	mydocker network rm mdttwo
	expect_status 0
	echo "$forward" >/proc/sys/net/ipv4/ip_forward
}
