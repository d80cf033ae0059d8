# check.sh: `mydocker check`, in every stage: one line per item, ok or
# FAIL with the fix; and run pointing at it when start-up fails for a
# reason it covers.

# check makes (and removes) mydocker's nftables table from ch06-nat on,
# which other scenarios' networks share: one at a time there.
exclusive ch06-nat

since ch03-run

# hint: check prints 'ok    ITEM[: detail]' for each item and exits 0 when nothing failed.
# lab: holds from the start: the plumbing the lab gives (check.c) passes it
test_check_passes_on_this_host() {
	mydocker check
	expect_status 0
	! grep -v '^ok    ' "$T/stdout" | grep -q . || fail "check reported something other than ok"
	grep -q '^ok    root$' "$T/stdout" && grep -q '^ok    net namespace' "$T/stdout" || fail "root or namespaces not checked"
}

# hint: A failed item is 'FAIL  ITEM: detail -> fix: what to do'; try unshare(2) in a child to test each namespace.
# lab: holds from the start: the plumbing the lab gives (check.c) passes it
test_check_names_each_failure_and_its_fix() {
	LAST_CMD="setpriv --reuid=65534 mydocker check"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$MYDOCKER" check >"$T/stdout" 2>"$T/stderr"
	status=$?
	expect_status 1
	grep -q '^FAIL  root: not root -> fix: ' "$T/stdout" || fail "no FAIL line for root"
	grep -q '^FAIL  pid namespace: Operation not permitted -> fix: ' "$T/stdout" || fail "no FAIL line for namespaces"
	! grep -v '^ok    \|^FAIL  .* -> fix: \|problems* found' "$T/stdout" | grep -q . || fail "a line is neither ok nor FAIL with a fix"
}

since ch03-cgroups

# part: 2
# hint: check_cgroups(): find (and on v1 make and remove) a cgroup for memory, cpu and cpuset.
test_check_tries_each_cgroup_controller() {
	mydocker check
	expect_status 0
	for c in memory cpu cpuset; do
		grep -q "^ok    cgroup $c: v[12], " "$T/stdout" || fail "no ok line for the $c controller"
	done
}

since ch04-rootfs

# hint: check_image() looks for images/busybox.tar; run's message for a missing busybox ends with CHECK_HINT.
test_check_finds_a_missing_image_and_run_points_to_it() {
	rm "$MYDOCKER_ROOT/images/busybox.tar"
	mydocker check
	expect_status 1
	grep -q "^FAIL  busybox image: .* -> fix: make ch04-rootfs" "$T/stdout" || fail "no FAIL line for the image"
	mydocker run "${IMAGE_FLAG[@]}" busybox /bin/true
	expect_status 125
	expect_one_error_line "'mydocker check' tells what this host lacks"
}

since ch04-overlay

# overlayfs cannot be the upper layer of another overlay: a MYDOCKER_ROOT
# inside a container, say
# hint: An overlay's upper dir cannot be on overlayfs: check_overlay() tries a small overlay in a child's mount namespace.
test_check_and_run_on_a_root_overlay_cannot_use() {
	mkdir -p "$T/o/lower" "$T/o/upper" "$T/o/work" "$T/o/merged"
	mount -t overlay overlay -o "lowerdir=$T/o/lower,upperdir=$T/o/upper,workdir=$T/o/work" "$T/o/merged"
	mkdir -p "$T/o/merged/root/images"
	cp "$MYDOCKER_ROOT/images/busybox.tar" "$T/o/merged/root/images/"
	MYDOCKER_ROOT=$T/o/merged/root mydocker run "${IMAGE_FLAG[@]}" busybox /bin/true
	cp "$T/stderr" "$T/run.stderr"
	local run_status=$status
	MYDOCKER_ROOT=$T/o/merged/root mydocker check
	umount "$T/o/merged" # before a check can end the scenario
	expect_status 1
	grep -q "^FAIL  overlay: $T/o/merged/root is on overlay: .* -> fix: set MYDOCKER_ROOT" "$T/stdout" ||
		fail "no FAIL line for the overlay"
	expect_eq "run's exit status" 125 "$run_status"
	grep -q "mount overlay on .*'mydocker check' tells what this host lacks" "$T/run.stderr" ||
		fail "run did not point to mydocker check: $(cat "$T/run.stderr")"
}
