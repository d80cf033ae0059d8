# host.sh: what a container may not change on the host, as text to compare
# before and after a scenario, and how to clean up what a failed one left.

# cgroup_dirs: the cgroup directories where mydocker creates its cgroups:
# below our own cgroup in every hierarchy (v1, and v2's own), plus anything
# named mydocker* anywhere (v2's /mydocker group).
cgroup_dirs() {
	local dir
	awk 'NR == FNR { n = index($0, ":"); rest = substr($0, n + 1); m = index(rest, ":")
	                 own[substr(rest, 1, m - 1)] = substr(rest, m + 1); next }
	     { for (i = 7; $i != "-"; i++) ; fstype = $(i + 1); opts = "," $(i + 3) ","
	       if (fstype == "cgroup2" && ("" in own)) print $5 own[""]
	       if (fstype != "cgroup") next
	       for (k in own) {
	           if (k == "") continue
	           c = split(k, ctl, ","); ok = 1
	           for (j = 1; j <= c; j++) if (index(opts, "," ctl[j] ",") == 0) ok = 0
	           if (ok) print $5 own[k]
	       } }' /proc/self/cgroup /proc/self/mountinfo | sed 's#/$##' | sort -u |
	while read -r dir; do
		find "$dir" -mindepth 1 -maxdepth 6 -type d 2>/dev/null
	done
	# (not v2's /mydocker itself: the group all containers share stays)
	find /sys/fs/cgroup -maxdepth 4 -type d -name 'mydocker*' ! -name mydocker 2>/dev/null
}

# host_snapshot: the mount table (mount point, options, type, source), the
# cgroup directories, the loop devices, and the network: links, addresses,
# routes and ip_forward, sorted.
host_snapshot() {
	echo "## mounts (mount point, options, type, source)"
	awk '{ for (i = 7; $i != "-"; i++) ; print $5, $6, $(i + 1), $(i + 2) }' /proc/self/mountinfo | sort
	echo "## cgroups"
	cgroup_dirs | sort -u
	echo "## loop devices"
	losetup --list --noheadings --output NAME,BACK-FILE 2>/dev/null | sort
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

# restore_ip_forward SNAPSHOT: ip_forward as the snapshot says it was (a
# scenario that failed before putting it back).
restore_ip_forward() {
	local was
	was=$(sed -n '/^## ip_forward$/{n;p;}' "$1")
	[ -n "$was" ] && [ "$was" != "$(cat /proc/sys/net/ipv4/ip_forward)" ] && echo "$was" >/proc/sys/net/ipv4/ip_forward
	return 0
}

# The links scenarios make, by name: networks named mdt* (their bridges)
# and containers' veths, vethID.
scenario_links() {
	ip -o link show 2>/dev/null | awk '{ sub(/:$/, "", $2); sub(/@.*/, "", $2); print $2 }' |
		grep -E '^(mdt[a-z0-9]*|veth[0-9a-f]{11})$'
}

# tagged_pids TAG: processes whose environment carries MYDOCKER_TEST_TAG=TAG
# (every process a scenario starts inherits it).
tagged_pids() {
	local tag=$1 p
	for p in /proc/[0-9]*; do
		[ "${p#/proc/}" = "$$" ] && continue
		tr "\\0" "\\n" 2>/dev/null <"$p/environ" | grep -qxF "MYDOCKER_TEST_TAG=$tag" && echo "${p#/proc/}"
	done
	return 0
}

# clean_after TAG DIR: kills what a scenario left running, unmounts what it
# left mounted under DIR, removes cgroups it left; prints what it found.
clean_after() {
	local tag=$1 dir=$2 pids mnt cg
	pids=$(tagged_pids "$tag")
	if [ -n "$pids" ]; then
		echo "processes left running:"
		ps -o pid=,args= -p "$(echo $pids | tr ' ' ,)" 2>/dev/null | sed 's/^/  /'
		kill -KILL $pids 2>/dev/null
		local i
		for i in $(seq 50); do [ -z "$(tagged_pids "$tag")" ] && break; sleep 0.1; done
	fi
	for mnt in $(awk -v d="$dir" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
		echo "mount left: $mnt"
		umount -l "$mnt" 2>/dev/null
	done
	# A container's veth goes with its network namespace, which the kernel
	# destroys in the background after the container's last process: give
	# it 3 s before a veth counts as left behind.
	local link i
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

# cgroup_version: 1 where a v1 hierarchy holds the memory controller
# (also on hybrid hosts), else 2, as mydocker decides.
cgroup_version() {
	if awk '{ for (i = 7; $i != "-"; i++) ; if ($(i + 1) == "cgroup" && index("," $(i + 3) ",", ",memory,")) f = 1 } END { exit !f }' /proc/self/mountinfo; then
		echo 1
	else
		echo 2
	fi
}
