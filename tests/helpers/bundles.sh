# bundles.sh: what the scenarios of OCI bundles share (bundle.sh,
# spec.sh, runtime.sh, hooks.sh source it): a bundle of the test image,
# and runc or mydocker run as an OCI runtime. Not in tests/lib: what it
# does changes at ch07-spec (spec's config) and ch07-runc (--root), and
# a stage that tests/lib names runs every scenario (tests/run-scenarios);
# each scenario file that sources this one names those stages itself.

# bundle DIR [JQ-FILTER]: the test image (busybox and the probe) as an OCI
# bundle, from ch07-bundle on; its config.json is `mydocker spec`'s from
# ch07-spec on, before that the same without what ch07-bundle does not
# take (mounts, rlimits, masked paths); then changed by the filter.
bundle() {
	local dir=$1 filter=${2:-.}
	mkdir -p "$dir/rootfs" || fail "mkdir $dir"
	tar -xf "$HELPERS/../images/test.tar" -C "$dir/rootfs" || fail "unpack the test image in $dir"
	if at_least ch07-spec; then
		"$MYDOCKER" spec --bundle "$dir" || fail "mydocker spec --bundle $dir"
	else
		cat >"$dir/config.json" <<'EOF'
{ "ociVersion": "1.0.2",
  "process": { "terminal": false, "user": { "uid": 0, "gid": 0 }, "args": [ "sh" ],
    "env": [ "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm" ],
    "cwd": "/",
    "capabilities": { "bounding": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
      "effective": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
      "permitted": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ] },
    "noNewPrivileges": true },
  "root": { "path": "rootfs", "readonly": true },
  "hostname": "mydocker",
  "linux": { "namespaces": [ { "type": "pid" }, { "type": "network" }, { "type": "ipc" },
                             { "type": "uts" }, { "type": "mount" } ] } }
EOF
	fi
	jq "$filter" "$dir/config.json" >"$dir/c" && mv "$dir/c" "$dir/config.json" || fail "jq $filter"
}

# runtime NAME ARG...: runc or mydocker as an OCI runtime, as mydocker()
# runs it: $status, $T/stdout, $T/stderr. runc keeps its state in
# $T/state-runc; mydocker too from ch07-runc on (--root), and keeps none
# before.
runtime() {
	local name=$1 bin=$1 root=()
	shift
	[ "$name" != mydocker ] || bin=$MYDOCKER
	{ [ "$name" != mydocker ] || at_least ch07-runc; } && root=(--root "$T/state-$name")
	LAST_CMD="$name ${root[*]} $*"
	timeout -s KILL 60 "$bin" "${root[@]}" "$@" <"${STDIN:-/dev/null}" >"$T/stdout" 2>"$T/stderr"
	status=$?
	return 0
}

# runtime_bg ARG...: mydocker as `runtime` runs it, in the background,
# with the caller's redirections; only with &: it execs, so $! is its pid.
runtime_bg() {
	if at_least ch07-runc; then
		exec "$MYDOCKER" --root "$T/state-mydocker" "$@"
	fi
	exec "$MYDOCKER" "$@"
}
