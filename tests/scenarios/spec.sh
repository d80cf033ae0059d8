# spec.sh: the rest of config.json (ch07-spec on): mounts with their
# options, the runtime spec's default devices, masked and read-only
# paths, namespaces joined by path, rlimits and oomScoreAdj; and the
# runtime's `spec` and `features`. Each case runs first with runc, the
# oracle, as bundle.sh's do.

since ch07-spec

source "$HELPERS/../../tests/helpers/bundles.sh" # bundle() and runtime(): they change at ch07-spec and ch07-runc

# What the command sees from inside, given by config.json: the mounts
# (a bind, read-only, and file systems with their options), the spec's
# default devices in /dev, the masked and read-only paths, and the
# process as bundle.sh's case sets it. The same bundle prints the same
# under runc and mydocker. runtime-tools: mounts, linux_masked_paths,
# linux_readonly_paths, linux_devices (the defaults), process_rlimits.
# hint: enter_root(): mount_bundle_mounts() (bundle_mounts.c) before pivot_root, then make_default_devices(), the masked and read-only paths (masks.c), the root read-only; set_limits() for rlimits.
test_spec_mounts_as_runc_gives_them() {
	local rt script
	script='echo "$0 $1 [$GREETING]"; pwd; id; hostname; ulimit -n; ulimit -Hn
grep -E "^(Cap|NoNewPrivs)" /proc/self/status; cat /proc/self/oom_score_adj
cat /proc/kcore 2>&1 | wc -c; echo x 2>/dev/null > /proc/sys/kernel/domainname && echo wrote /proc/sys
touch /x 2>/dev/null && echo wrote /
ls /dev | tr "\n" " "; echo
awk "{ print \$5, \$9, (\$6 ~ /^ro/ ? \"ro\" : \"rw\") }" /proc/self/mountinfo | grep -v -e "^/proc/" -e "^/sys/firmware" | sort'
	mkdir -p "$T/shared" && echo shared >"$T/shared/file"
	for rt in runc mydocker; do
		bundle "$T/$rt" ".process.args = [\"sh\", \"-c\", $(jq -Rs . <<<"$script"), \"first arg\"]
			| .process.env += [\"GREETING=hello there\"] | .process.cwd = \"/tmp\" | .hostname = \"box-1\"
			| .process.user = {uid: 1000, gid: 1000, additionalGids: [5, 20]}
			| .process.rlimits = [{type: \"RLIMIT_NOFILE\", soft: 512, hard: 900}] | .process.oomScoreAdj = 100
			| .process.capabilities.inheritable = [\"CAP_KILL\"] | .process.capabilities.ambient = [\"CAP_KILL\"]
			| .mounts += [{destination: \"/data\", type: \"bind\", source: \"$T/shared\", options: [\"rbind\", \"ro\"]},
				      {destination: \"/tmp\", type: \"tmpfs\", source: \"tmpfs\", options: [\"mode=1777\"]}]"
		runtime "$rt" run --bundle "$T/$rt" c1
		expect_status 0
		cp "$T/stdout" "$T/$rt.out"
	done
	diff -u "$T/runc.out" "$T/mydocker.out" >&2 || fail "mydocker's container differs from runc's (above)"
	grep -q "^first arg  \\[hello there\\]$" "$T/mydocker.out" || fail "no arguments or environment in the output"
	grep -q '^uid=1000 gid=1000 groups=5(tty),20(dialout)' "$T/mydocker.out" ||
		grep -q '^uid=1000 gid=1000 groups=5,20' "$T/mydocker.out" || fail "not uid 1000 with groups 5 and 20"
	grep -q '^CapAmb:	0000000000000020$' "$T/mydocker.out" || fail "CAP_KILL is not ambient"
	grep -q '^/data ' "$T/mydocker.out" || fail "the bind mount is missing"
	grep -qx 100 "$T/mydocker.out" || fail "oom_score_adj is not 100"
}

# linux.namespaces with a path: the container joins that namespace
# (setns(2)) instead of making one. runtime-tools: linux_ns_path.
# hint: join_namespaces() in bundle_init.c; a pid namespace is joined by create before the clone (join_pid_namespace()).
test_spec_linux_ns_path() {
	local rt holder
	unshare --net --uts sleep 1000 &
	holder=$!
	wait_until "the namespaces' holder runs" sh -c "[ \"\$(readlink /proc/$holder/ns/net)\" != \"\$(readlink /proc/self/ns/net)\" ]"
	for rt in runc mydocker; do
		bundle "$T/$rt" ".process.args = [\"sh\", \"-c\", \"readlink /proc/self/ns/net; readlink /proc/self/ns/uts\"]
			| .hostname = null
			| .linux.namespaces = [{type: \"pid\"}, {type: \"mount\"}, {type: \"ipc\"},
				{type: \"network\", path: \"/proc/$holder/ns/net\"}, {type: \"uts\", path: \"/proc/$holder/ns/uts\"}]"
		runtime "$rt" run --bundle "$T/$rt" c1
		expect_status 0
		expect_eq "$rt: the namespaces joined" "$(readlink "/proc/$holder/ns/net" "/proc/$holder/ns/uts")" "$(stdout)"
	done
	kill "$holder"
	wait "$holder" 2>/dev/null || true
}

# spec writes a config.json that runc runs unchanged (and never over one
# that is there); features says what of the spec is implemented.
# hint: runtime_spec.c.
test_spec_writes_a_config_runc_runs() {
	mkdir -p "$T/b/rootfs"
	tar -xf "$HELPERS/../images/test.tar" -C "$T/b/rootfs"
	mydocker spec --bundle "$T/b"
	expect_status 0
	jq -e . "$T/b/config.json" >/dev/null || fail "spec's config.json is not JSON"
	mydocker spec --bundle "$T/b"
	expect_status 125
	expect_one_error_line "spec: write $T/b/config.json: File exists"
	jq '.process.args = ["echo", "runc runs it"]' "$T/b/config.json" >"$T/c" && mv "$T/c" "$T/b/config.json"
	runtime runc run --bundle "$T/b" c1
	expect_stdout "runc runs it"
	runtime mydocker run --bundle "$T/b" c1
	expect_stdout "runc runs it"
	mydocker features
	expect_status 0
	expect_eq "features' highest version" 1.0.2 "$(jq -r .ociVersionMax "$T/stdout")"
}
