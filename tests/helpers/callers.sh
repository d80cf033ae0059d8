# callers.sh: containerd and podman as mydocker's callers, for the
# scenarios that drive it through them (callers.sh from ch07-callers,
# console.sh from ch07-console, processes.sh from ch07-exec source this
# one), and recvtty, the test's own. Each gets its own state in T; what
# they make on the host themselves is put back, even when a case fails.

# recvtty_bg SOCKET [INPUT]: the far end of the console socket, in the
# background, its output in SOCKET.out; returns once it listens.
recvtty_bg() {
	local i
	rm -f "$1"
	"$HELPERS/recvtty" "$@" >"$1.out" 2>&1 &
	RECVTTY=$!
	for i in $(seq 100); do [ -S "$1" ] && return 0; sleep 0.05; done
	fail "recvtty did not listen on $1"
}

# v1_only: a case that reads v1's files (devices.list, pids.max below
# /sys/fs/cgroup/pids), or runs podman's config, which limits devices:
# device rules are a BPF program on v2, which this runtime does not load.
v1_only() {
	[ "$(cgroup_version)" = 1 ] || skip "cgroup v1 only: this host has cgroup v2 alone"
}

# start_containerd: a containerd of the test's own, its root, state and
# socket in $T/ctd, the saved busybox image imported as "busybox"; CTR is
# ctr aimed at it, CTR_RUN what `ctr run` takes to use mydocker.
start_containerd() {
	local c=$T/ctd i
	command -v containerd >/dev/null && command -v ctr >/dev/null || fail "containerd is not installed (tools/ensure-deps)"
	CTD_RUN_DIR_WAS=no
	[ -e /run/containerd ] && CTD_RUN_DIR_WAS=yes
	mkdir -p "$c"
	cat >"$c/config.toml" <<TOML
version = 2
root = "$c/root"
state = "$c/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]
[grpc]
  address = "$c/sock"
[ttrpc]
  address = "$c/sock.ttrpc"
TOML
	containerd --config "$c/config.toml" >"$c/log" 2>&1 &
	CTD_PID=$!
	CTR=(ctr -a "$c/sock")
	on_exit put_back_containerd
	for i in $(seq 100); do [ -S "$c/sock" ] && break; sleep 0.1; done
	CTR_RUN=(--runc-binary "$MYDOCKER" --runc-root "$c/runc")
	mydocker save -o "$T/busybox.tar" busybox
	"${CTR[@]}" images import --index-name busybox "$T/busybox.tar" >"$c/import" 2>&1 || fail "ctr images import: $(cat "$c/import")"
}

# stop_containerd: it ends; /run/containerd goes if it made it. (Also
# run when the case ends, whatever way: on_exit.)
stop_containerd() { put_back_containerd; }
put_back_containerd() {
	local id
	for id in $("${CTR[@]}" task ls -q 2>/dev/null); do "${CTR[@]}" task delete -f "$id" >/dev/null 2>&1; done
	for id in $("${CTR[@]}" containers ls -q 2>/dev/null); do "${CTR[@]}" containers rm "$id" >/dev/null 2>&1; done
	kill "$CTD_PID" 2>/dev/null && wait "$CTD_PID"
	[ "$CTD_RUN_DIR_WAS" = yes ] || rm -rf /run/containerd
	return 0
}

# start_podman: PODMAN is podman with its storage in T and mydocker as
# the runtime, PODMAN_RUN the options of its `run` here, and the saved
# busybox image loaded. (--ulimit: podman asks for 1048576 open files,
# more than root may raise its hard limit to without CAP_SYS_RESOURCE,
# which root lacks on some hosts; seccomp=unconfined: this runtime
# refuses linux.seccomp.) conmon runs the runtime without our
# environment, so without MYDOCKER_RUN, and podman's delete passes no
# --runtime-flag: mydocker keeps the state in its default root.
start_podman() {
	local dir
	command -v podman >/dev/null || fail "podman is not installed (tools/ensure-deps)"
	PODMAN=(podman --root "$T/podman" --runroot "$T/podman-run" --tmpdir "$T/podman-tmp" --storage-driver vfs
		--events-backend none --cgroup-manager cgroupfs --network-backend cni --network-config-dir "$T/podman-net"
		--runtime "$MYDOCKER")
	PODMAN_RUN=(--network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --security-opt seccomp=unconfined)
	PODMAN_STATE=/var/run/mydocker/runtime
	PODMAN_STATE_WAS=no
	[ -e "${PODMAN_STATE%/runtime}" ] && PODMAN_STATE_WAS=yes
	PODMAN_KNOWN=$(ls -A "$PODMAN_STATE" 2>/dev/null)
	PODMAN_CGROUPS=()
	PODMAN_SOCKETS=$(ls -d /tmp/conmon-term.* 2>/dev/null)
	for dir in /sys/fs/cgroup/*/; do
		[ -e "${dir}libpod_parent" ] || PODMAN_CGROUPS+=("${dir}libpod_parent")
	done
	on_exit put_back_podman
	mydocker save -o "$T/busybox.tar" busybox
	"${PODMAN[@]}" load -i "$T/busybox.tar" >"$T/load" 2>&1 || fail "podman load: $(cat "$T/load")"
}

# forget_conmon_sockets: with -t, conmon listens on /tmp/conmon-term.*
# (whatever TMPDIR says), and leaves it there when the runtime fails:
# podman's, not the runtime's; gone, before the test looks at the result.
forget_conmon_sockets() {
	local s
	for s in /tmp/conmon-term.*; do
		[ -S "$s" ] && ! grep -qxF "$s" <<<"$PODMAN_SOCKETS" && rm -f "$s"
	done
	return 0
}

# stop_podman: mydocker knows no container of podman's any more; then
# put_back_podman (also run when the case ends, whatever way: on_exit):
# conmon's cgroups, podman's and not the runtime's, go if podman made
# them, and mydocker's default root if the test made it.
stop_podman() {
	expect_eq "the containers mydocker still knows" "$PODMAN_KNOWN" "$(ls -A "$PODMAN_STATE" 2>/dev/null)"
	put_back_podman
}
put_back_podman() {
	local dir
	[ -z "$("${PODMAN[@]}" ps -aq 2>/dev/null)" ] || "${PODMAN[@]}" rm -f -t 0 -a >/dev/null 2>&1
	[ "$PODMAN_STATE_WAS" = yes ] || rm -rf "${PODMAN_STATE%/runtime}"
	for dir in "${PODMAN_CGROUPS[@]}"; do
		rmdir "$dir/conmon" "$dir" 2>/dev/null
	done
	return 0
}
