# overlay.sh: chapter 4.2, each container gets an id and its own write
# layer over the read-only image, gone when the container is.

since ch04-overlay

# image_listing: every path of the unpacked test image with type, size, mode
image_listing() {
	(cd "$MYDOCKER_ROOT/images/test" && find . -printf '%p %y %s %m %l\n' | sort)
}

# hint: getrandom(2) 6 bytes, as 12 hex digits; sethostname(2) in init.
test_hostname_is_a_12_digit_id() {
	container "${IMAGE[@]}" hostname
	expect_status 0
	[[ $(stdout) =~ ^[0-9a-f]{12}$ ]] || fail "expected a 12 hex digit id as the hostname"
}

# hint: mkdir(2) containers/ID fails with EEXIST if taken: try another id.
test_each_container_gets_its_own_id() {
	local first
	container "${IMAGE[@]}" hostname
	first=$(stdout)
	container "${IMAGE[@]}" hostname
	[ "$(stdout)" != "$first" ] || fail "two containers got the same id $first"
}

# hint: mount("overlay", merged, "overlay", 0, "lowerdir=IMAGE,upperdir=...,workdir=...") on the host, then pivot_root into merged.
test_root_is_an_overlay_on_the_image() {
	container "${IMAGE[@]}" /bin/sh -c 'grep " / / " /proc/self/mountinfo'
	expect_status 0
	expect_stdout_has " - overlay overlay "
	expect_stdout_has "lowerdir=$MYDOCKER_ROOT/images/test,"
	expect_stdout_has "upperdir=$MYDOCKER_ROOT/containers/"
}

# hint: overlayfs writes to upper/ and records deletions as whiteouts there; the lower dir is never written.
test_image_is_unchanged_after_writes_and_deletes() {
	container "${IMAGE[@]}" /bin/true # unpacks the image
	image_listing >"$T/image.before"
	container "${IMAGE[@]}" /bin/sh -c 'echo new >/new-file; echo more >>/etc/passwd; rm /bin/ls; rm -rf /usr/sbin; mkdir /made-here; chmod 600 /etc/group'
	expect_status 0
	image_listing >"$T/image.after"
	diff "$T/image.before" "$T/image.after" >/dev/null || fail "the image changed: $(diff "$T/image.before" "$T/image.after" | head)"
	container "${IMAGE[@]}" /bin/sh -c 'ls /new-file 2>&1; ls /bin/ls; grep -c . /etc/passwd'
	expect_stdout_has "No such file"
	expect_stdout_has "/bin/ls"
	expect_stdout_has "1"
}

# hint: The container's files are in containers/ID/upper while it runs.
test_changes_land_in_the_write_layer() {
	local id
	start_container "${IMAGE[@]}" /bin/sh -c 'echo changed >>/etc/passwd; rm /etc/group; echo ready; exec sleep 100'
	wait_until "the container says ready" grep -q ready "$T/bg.stdout"
	id=$(ls "$MYDOCKER_ROOT/containers")
	grep -q changed "$MYDOCKER_ROOT/containers/$id/upper/etc/passwd" || fail "no copy-up of /etc/passwd in upper/"
	[ "$(stat -c %F "$MYDOCKER_ROOT/containers/$id/upper/etc/group")" = "character special file" ] ||
		fail "the deleted /etc/group is not a whiteout (a 0/0 character device) in upper/"
	grep -q changed "$MYDOCKER_ROOT/containers/$id/merged/etc/passwd" || fail "merged/ does not show the change"
	! grep -q changed "$MYDOCKER_ROOT/images/test/etc/passwd" || fail "the image was written"
	container_pid
	kill -KILL "$cpid"
	wait_bg
	expect_status 137
}

# hint: One upper/work/merged per container id.
test_two_containers_at_once_keep_apart() {
	local bg1
	start_container "${IMAGE[@]}" /bin/sh -c 'echo one >/mine; echo ready; exec sleep 100'
	bg1=$bg
	wait_until "the first container says ready" grep -q ready "$T/bg.stdout"
	cp "$T/bg.stdout" "$T/first.stdout"
	container "${IMAGE[@]}" /bin/sh -c 'cat /mine 2>&1; echo two >/mine; cat /mine'
	expect_status 0
	expect_stdout "cat: can't open '/mine': No such file or directory
two"
	[ "$(ls "$MYDOCKER_ROOT/containers" | wc -l)" = 1 ] || fail "expected only the first container's layer left"
	[ "$(cat "$MYDOCKER_ROOT/containers/"*/merged/mine)" = one ] || fail "the first container's /mine changed"
	bg=$bg1
	container_pid
	kill -KILL "$cpid"
	wait_bg
}

# hint: workspace_delete(): umount2(merged, MNT_DETACH), then remove containers/ID.
test_layer_is_removed_after_exit() {
	mydocker --debug run -m 64m "${IMAGE[@]}" /bin/sh -c 'dd if=/dev/zero of=/big bs=1M count=8 2>/dev/null'
	expect_status 0
	expect_stderr_has "mounted overlay on $MYDOCKER_ROOT/containers/"
	[ -z "$(ls -A "$MYDOCKER_ROOT/containers")" ] || fail "a layer is left: $(ls "$MYDOCKER_ROOT/containers")"
}

# A layer deeper than PATH_MAX goes too: it is removed relative to an open
# directory, never by a full path, which the kernel refuses beyond 4096
# bytes (a container may well leave one, by mistake or on purpose).
# hint: remove_tree() (common/file.c): openat(2) down, unlinkat(2) each entry, ".." back up; nftw(3) builds full paths and fails with ENAMETOOLONG.
test_a_layer_deeper_than_path_max_is_removed() {
	# (each round moves the tree one level down, by short paths only: 20
	# levels of names of 250 bytes are 5020 bytes from the top to the file)
	mydocker --debug run "${IMAGE[@]}" /bin/sh -c 'cd / && mkdir deep && echo x >deep/file || exit 1
		name=$(printf "%0250d" 0)
		for i in $(seq 20); do mkdir up && mv deep "up/$name" && mv up deep || exit 1; done'
	expect_status 0
	expect_stderr_has "mounted overlay on $MYDOCKER_ROOT/containers/"
	[ -z "$(ls -A "$MYDOCKER_ROOT/containers")" ] || fail "a layer is left: $(ls "$MYDOCKER_ROOT/containers")"
}

# hint: workspace_delete() on every path out of run_container().
test_layer_is_removed_after_a_failed_start() {
	mydocker --debug run -m 64m "${IMAGE[@]}" /no/such/command
	expect_status 127
	expect_stderr_has "mounted overlay on $MYDOCKER_ROOT/containers/"
	expect_stderr_has "unmounted and removed $MYDOCKER_ROOT/containers/"
}

# hint: Signals end the container; mydocker then cleans up as after any exit.
test_layer_is_removed_after_sigterm_and_sigint() {
	local sig
	for sig in TERM INT; do
		start_container -m 64m "${IMAGE[@]}" "$PROBE" trap
		wait_until "the container says ready" grep -q ready "$T/bg.stdout"
		[ -n "$(ls -A "$MYDOCKER_ROOT/containers")" ] || fail "no layer while running"
		kill -s "$sig" "$bg"
		wait_bg
		expect_status $((100 + $(kill -l "$sig")))
		[ -z "$(ls -A "$MYDOCKER_ROOT/containers")" ] || fail "a layer is left after SIG$sig"
	done
}

# hint: init may die after pivot_root: the parent still unmounts and removes the layer.
test_layer_is_removed_when_init_fails_halfway() {
	# an image whose /dev is a file: init fails mounting /dev, after the
	# overlay, the cgroup and pivot_root are done
	mkdir "$T/bad" && tar -xf "$MYDOCKER_ROOT/images/test.tar" -C "$T/bad"
	rmdir "$T/bad/dev" && echo not-a-dir >"$T/bad/dev"
	tar -C "$T/bad" -cf "$MYDOCKER_ROOT/images/baddev.tar" .
	mydocker --debug run -m 64m "${IMAGE_FLAG[@]}" baddev /bin/true
	expect_status 125
	expect_stderr_has "mounted overlay on $MYDOCKER_ROOT/containers/"
	grep -q "^mydocker: mount tmpfs on /dev: Not a directory" "$T/stderr" || fail "init did not fail mounting /dev"
}
