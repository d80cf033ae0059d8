# host.sh: what a test may not change on the host, and how to clean up
# what a failed one left. One host check, for the scenarios
# (tests/run-scenarios) and the notes' try-it blocks (tests/run-notes):
#
#   check_begin T SCOPE        before a test whose temp dir is T
#   check_end T SCOPE [forward]   after it: what it left or changed, one
#                              line each (nothing: the host is as it was),
#                              and all of it removed
#
# SCOPE is what the test is checked for:
#   own      what it could make while other tests run: processes, mounts
#            and loop devices below T, cgroups below its own (a test's own
#            cgroup: test_cgroup_create), and what its MYDOCKER_ROOT ($T/root)
#            may not keep (kept_in_root)
#   network  that, and what all containers share: links, addresses, routes,
#            ip_forward, the nftables ruleset (such a test runs alone)
#   host     that, and the whole host: every mount and cgroup
# With "forward", ip_forward turned on by the test is put back and not
# counted: creating a network turns it on, as docker does.

# Held by a test that runs alone (an exclusive scenario, a notes block),
# for every run of the tests on this host.
# (in /run/lock, where lock files live: it stays, so that every run locks
# the same file)
EXCLUSIVE_LOCK=/run/lock/mydocker-tests.exclusive.lock
[ -d /run/lock ] || EXCLUSIVE_LOCK=/tmp/mydocker-tests.exclusive.lock

# v1_hierarchies: "MOUNTPOINT OWN-PATH" for each cgroup v1 hierarchy with a
# controller (not name=systemd), OWN-PATH our cgroup in it.
v1_hierarchies() {
	awk 'NR == FNR { n = index($0, ":"); rest = substr($0, n + 1); m = index(rest, ":")
	                 own[substr(rest, 1, m - 1)] = substr(rest, m + 1); next }
	     { for (i = 7; $i != "-"; i++) ; if ($(i + 1) != "cgroup") next
	       opts = "," $(i + 3) ","
	       for (k in own) {
	           if (k == "" || k ~ /^name=/) continue
	           c = split(k, ctl, ","); ok = 1
	           for (j = 1; j <= c; j++) if (index(opts, "," ctl[j] ",") == 0) ok = 0
	           if (ok) { print $5, own[k]; break }
	       } }' /proc/self/cgroup /proc/self/mountinfo
}

# cgroup_version: 1 where a v1 hierarchy holds the memory controller
# (also on hybrid hosts), else 2, as mydocker decides.
cgroup_version() {
	if awk '{ for (i = 7; $i != "-"; i++) ; if ($(i + 1) == "cgroup" && index("," $(i + 3) ",", ",memory,")) f = 1 } END { exit !f }' /proc/self/mountinfo; then
		echo 1
	else
		echo 2
	fi
}

# cgroup_dirs: the cgroup directories where mydocker creates its cgroups:
# below our own cgroup in every hierarchy (v1, and v2's own), plus anything
# named mydocker* anywhere (v2's /mydocker group).
cgroup_dirs() {
	local dir
	{
		v1_hierarchies | awk '{ print $1 $2 }'
		awk -F: '$1 == 0 { print $3 }' /proc/self/cgroup | while read -r dir; do
			awk -v own="$dir" '{ for (i = 7; $i != "-"; i++) ; if ($(i + 1) == "cgroup2") print $5 own }' /proc/self/mountinfo
		done
	} | sed 's#/$##' | sort -u | while read -r dir; do
		find "$dir" -mindepth 1 -maxdepth 6 -type d 2>/dev/null
	done
	# (not v2's /mydocker itself: the group all containers share stays)
	find /sys/fs/cgroup -maxdepth 4 -type d -name 'mydocker*' ! -name mydocker 2>/dev/null
}

# network_snapshot: links, addresses, routes, ip_forward and the ruleset.
network_snapshot() {
	echo "## links"
	ip -o link show 2>/dev/null | awk '{ print $2 }' | sort
	echo "## addresses"
	ip -o addr show 2>/dev/null | awk '{ print $2, $3, $4 }' | sort
	echo "## routes"
	ip route show table all 2>/dev/null | sort
	echo "## ip_forward"
	cat /proc/sys/net/ipv4/ip_forward
	echo "## nftables"
	nft list ruleset 2>/dev/null
}

# host_snapshot: the mount table (mount point, options, type, source), the
# cgroup directories, the loop devices, and the network, sorted.
host_snapshot() {
	echo "## mounts (mount point, options, type, source)"
	awk '{ for (i = 7; $i != "-"; i++) ; print $5, $6, $(i + 1), $(i + 2) }' /proc/self/mountinfo | sort
	echo "## cgroups"
	cgroup_dirs | sort -u
	echo "## loop devices"
	losetup --list --noheadings --output NAME,BACK-FILE 2>/dev/null | sort
	network_snapshot
}

# check_begin T SCOPE: a cgroup for the test, and what it may not change.
check_begin() {
	local t=$1 scope=$2
	case $scope in
	network) network_snapshot >"$t/host.before" ;;
	host) host_snapshot >"$t/host.before" ;;
	esac
	test_cgroup_create "$t"
}

# check_end T SCOPE [forward]: what the test left or changed, removed.
check_end() {
	local t=$1 scope=$2 forward=${3:-} changed
	clean_after "$t" "$([ "$scope" = own ] || echo network)"
	kept_in_root "$t/root"
	[ "$scope" = own ] && return 0
	[ "$forward" = forward ] && restore_ip_forward "$t/host.before"
	if [ "$scope" = network ]; then network_snapshot; else host_snapshot; fi >"$t/host.after"
	restore_ip_forward "$t/host.before"
	changed=$(changes "$t/host.before" "$t/host.after")
	[ -z "$changed" ] || printf 'host changes (< before, > after):\n%s\n' "$changed"
}

# changes BEFORE AFTER: the lines that differ, "< was" and "> is".
changes() {
	diff "$1" "$2" | grep '^[<>]'
}

# restore_ip_forward SNAPSHOT: ip_forward as the snapshot says it was (a
# network's creation turns it on, as docker does; putting it back is the
# test's part).
restore_ip_forward() {
	local was
	was=$(sed -n '/^## ip_forward$/{n;p;}' "$1")
	[ -n "$was" ] && [ "$was" != "$(cat /proc/sys/net/ipv4/ip_forward)" ] && echo "$was" >/proc/sys/net/ipv4/ip_forward
	return 0
}

# test_cgroup_create T: a cgroup of the test's own below ours in each v1
# hierarchy, listed in T/cgroups, for test_cgroup_enter. mydocker makes a
# container's cgroups below its own, so what the test's containers make is
# below it, and nothing another test makes is; and every process the test
# starts is in it. On a host with cgroup v2 only, mydocker makes them in
# v2's /mydocker group instead: no list, and tests run one at a time
# (tests/run-scenarios).
test_cgroup_create() {
	local t=$1 mount own dir dirs=() value
	: >"$t/cgroups"
	[ -n "${TEST_HIERARCHIES+set}" ] || TEST_HIERARCHIES=$([ "$(cgroup_version)" = 1 ] && v1_hierarchies)
	while read -r mount own; do
		[ -n "$mount" ] && dirs+=("${mount}${own%/}/mdtest.${t##*.}")
	done <<<"$TEST_HIERARCHIES"
	[ ${#dirs[@]} -gt 0 ] || return 0
	mkdir "${dirs[@]}" || return 1
	for dir in "${dirs[@]}"; do
		[ -f "$dir/cpuset.cpus" ] || continue
		# cpuset(7): a new cpuset has no CPUs and no memory nodes to run on
		read -r value <"${dir%/*}/cpuset.cpus" && echo "$value" >"$dir/cpuset.cpus"
		read -r value <"${dir%/*}/cpuset.mems" && echo "$value" >"$dir/cpuset.mems"
	done
	printf '%s\n' "${dirs[@]}" >"$t/cgroups"
}

# test_cgroup_enter T: moves the calling shell ($BASHPID) into them.
test_cgroup_enter() {
	local dir
	while read -r dir; do
		echo "$BASHPID" >"$dir/cgroup.procs"
	done <"$1/cgroups"
}

# test_processes T: the processes in the test's cgroup (and below it); on
# a host without one, those whose environment carries MYDOCKER_TEST_TAG=T
# (every process a test starts inherits it; a container's do not: they
# start with docker's environment, and die with their mydocker).
test_processes() {
	local t=$1 dir
	read -r dir <"$t/cgroups"
	if [ -n "$dir" ]; then
		find "$dir" -name cgroup.procs -exec cat {} + 2>/dev/null
	else
		grep -lsxzF "MYDOCKER_TEST_TAG=$t" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3
	fi
}

# The links a network scenario makes, by name: networks named mdt* (their
# bridges) and containers' veths, vethID.
scenario_links() {
	ip -o link show 2>/dev/null | awk '{ sub(/:$/, "", $2); sub(/@.*/, "", $2); print $2 }' |
		grep -E '^(mdt[a-z0-9]*|veth[0-9a-f]{11})$'
}

# loop_devices_below DIR: the loop devices on files below DIR.
loop_devices_below() {
	local f file
	for f in /sys/block/loop*/loop/backing_file; do
		[ -f "$f" ] && read -r file <"$f" && [[ $file == "$1"/* ]] && echo "/dev/$(cut -d/ -f4 <<<"$f") $file"
	done
	return 0
}

# clean_after T [network]: what a test left: processes (killed), mounts
# below T (unmounted), loop devices on its files (detached), cgroups below
# its own (removed, and then its own); with "network", also links and
# mydocker's nftables table. Prints what it found: nothing, for a test that
# left the host as it was.
# remove_cgroup DIR: rmdir(2), again for 2 s while it is busy: processes
# just killed may not have left it yet.
remove_cgroup() {
	local i
	for i in $(seq 20); do
		rmdir "$1" 2>/dev/null
		[ -d "$1" ] || return 0
		sleep 0.1
	done
	echo "cgroup cannot be removed: $1"
}

clean_after() {
	local t=$1 network=${2:-} pids mnt loop file link i dir dirs
	pids=$(test_processes "$t")
	if [ -n "$pids" ]; then
		echo "processes left running:"
		ps -o pid=,args= -p "$(echo $pids | tr ' ' ,)" 2>/dev/null | sed 's/^/  /'
		# again until none is left: one may have forked after the list
		for i in $(seq 50); do
			kill -KILL $pids 2>/dev/null
			sleep 0.1
			pids=$(test_processes "$t")
			[ -z "$pids" ] && break
		done
	fi
	for mnt in $(awk -v d="$t/" 'index($5 "/", d) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
		echo "mount left: $mnt"
		umount -l "$mnt" 2>/dev/null
	done
	while read -r loop file; do
		[ -n "$loop" ] || continue
		echo "loop device left: $loop on $file"
		losetup -d "$loop"
	done < <(loop_devices_below "$t")
	if [ -s "$t/cgroups" ]; then
		mapfile -t dirs <"$t/cgroups"
		for dir in $(find "${dirs[@]}" -mindepth 1 -type d 2>/dev/null | sort -r); do
			echo "cgroup left: $dir"
			remove_cgroup "$dir"
		done
		while read -r dir; do remove_cgroup "$dir"; done <"$t/cgroups"
	fi
	[ "$network" = network ] || return 0
	# A container's veth goes with its network namespace, which the kernel
	# destroys in the background after the container's last process: give
	# it 3 s before a veth counts as left behind.
	for i in $(seq 30); do scenario_links | grep -q '^veth' || break; sleep 0.1; done
	for link in $(scenario_links); do
		echo "link left: $link"
		ip link del "$link" 2>/dev/null
	done
	if nft list table ip mydocker >/dev/null 2>&1; then
		echo "nftables table left: ip mydocker"
		nft delete table ip mydocker
	fi
	return 0
}

# kept_in_root ROOT: what ROOT holds that it may not keep. It may keep its
# images (and their unpacked copies, and from ch07-layers their layers,
# layers/HEX, never a half-loaded one, and layers/.lock; from ch07-save
# whole blobs in blobs/sha256/, never a half-copied one), an empty containers/ (every
# container's layer goes when the container does), and networks/.lock and
# .nat-lock (once its networks are gone).
kept_in_root() {
	[ -d "$1" ] || return 0
	(cd "$1" && find . -mindepth 1 -maxdepth 2 && find ./blobs/sha256 -mindepth 1 -name '.*' 2>/dev/null) | awk '
		$0 == "./images" || $0 == "./containers" || $0 == "./networks" || $0 == "./layers" { next }
		$0 == "./blobs" || $0 == "./blobs/sha256" { next }
		/^\.\/layers\/[0-9a-f]+$/ && length($0) == 73 || $0 == "./layers/.lock" { next }
		/^\.\/images\/[^.]/ || $0 == "./networks/.lock" || $0 == "./networks/.nat-lock" { next }
		{ print "left in MYDOCKER_ROOT: " substr($0, 3) }'
}

# cgroup_dir_of PID CONTROLLER: the directory of PID's cgroup that holds
# CONTROLLER: its v1 hierarchy's, or on a v2-only host, its v2 cgroup.
cgroup_dir_of() {
	local pid=$1 ctl=$2
	awk -v ctl="$ctl" 'NR == FNR { n = index($0, ":"); rest = substr($0, n + 1); m = index(rest, ":")
	                               own[substr(rest, 1, m - 1)] = substr(rest, m + 1); next }
	     { for (i = 7; $i != "-"; i++) ; fstype = $(i + 1); opts = "," $(i + 3) ","
	       if (fstype == "cgroup" && index(opts, "," ctl ",")) {
	           for (k in own) if (index("," k ",", "," ctl ",")) { print $5 own[k]; found = 1; exit } }
	       if (fstype == "cgroup2") v2 = $5 own[""] }
	     END { if (!found && v2 != "") print v2 }' "/proc/$pid/cgroup" /proc/self/mountinfo | sed 's#/$##'
}
