# volume.sh: chapter 4.3, volumes (-v HOST:CONTAINER[:ro|:rw]) and commit.

since ch04-volume

# hint: In init, before pivot_root: mount(HOST, ROOT/CONTAINER, NULL, MS_BIND | MS_REC, NULL).
test_volume_is_read_write() {
	mkdir "$T/vol" && echo from-host >"$T/vol/host-file"
	container -v "$T/vol:/data" "${IMAGE[@]}" /bin/sh -c 'cat /data/host-file; echo from-container >/data/container-file'
	expect_status 0
	expect_stdout from-host
	expect_eq "the file the container wrote" from-container "$(cat "$T/vol/container-file")"
}

# hint: :ro needs a second call: mount_setattr(2) with MOUNT_ATTR_RDONLY (or a bind remount with MS_RDONLY).
test_read_only_volume_refuses_writes() {
	mkdir "$T/vol" && echo from-host >"$T/vol/host-file"
	container -v "$T/vol:/data:ro" "${IMAGE[@]}" /bin/sh -c 'cat /data/host-file; echo x >/data/new 2>&1; rm /data/host-file 2>&1; true'
	expect_status 0
	expect_stdout_has from-host
	expect_stdout_has "Read-only file system"
	[ ! -e "$T/vol/new" ] && [ -e "$T/vol/host-file" ] || fail "a read-only volume was written"
}

# A volume is nosuid and nodev, and so is every mount below its host
# directory (here a tmpfs the test mounts there, and unmounts at the end):
# no setuid program or device node of the host's directory works inside.
# hint: mount_setattr(2) with AT_RECURSIVE and MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV on the volume.
test_volume_is_nosuid_and_nodev_all_the_way_down() {
	mkdir -p "$T/vol/below"
	mount -t tmpfs -o size=1m mydocker-test "$T/vol/below" || fail "cannot mount a tmpfs below the volume"
	trap "umount $T/vol/below" EXIT
	container -v "$T/vol:/data" -v "$T/vol:/ro-data:ro" "${IMAGE[@]}" /bin/sh -c "
		for d in /data /data/below /ro-data /ro-data/below; do echo \"\$d \$($PROBE mountflags \$d)\"; done
		mknod /data/null c 1 3 && echo made-a-node && echo x >/data/null"
	expect_status 1
	expect_stdout "/data rw nosuid nodev exec
/data/below rw nosuid nodev exec
/ro-data ro nosuid nodev exec
/ro-data/below ro nosuid nodev exec
made-a-node"
	expect_stderr_has "/data/null: Permission denied"
}

# hint: -v repeats; :rw is the default; make missing mount points inside the root.
test_rw_mode_and_several_volumes() {
	container -v "$T/a:/a:rw" -v "$T/b:/deep/down/b" "${IMAGE[@]}" /bin/sh -c 'echo 1 >/a/f && echo 2 >/deep/down/b/f'
	expect_status 0
	expect_eq "volume a" 1 "$(cat "$T/a/f")"
	expect_eq "volume b" 2 "$(cat "$T/b/f")"
}

# hint: mkdir -p the host directory, as docker does, once every volume is checked.
test_missing_host_dir_is_created() {
	container -v "$T/not/yet/there:/data" "${IMAGE[@]}" /bin/true
	expect_status 0
	[ -d "$T/not/yet/there" ] || fail "the host directory was not created"
}

# hint: The volume is a bind mount: its files are the host's; the layer goes, they stay.
test_volume_data_outlives_the_container_and_its_layer() {
	container -v "$T/vol:/data" "${IMAGE[@]}" /bin/sh -c 'echo kept >/data/f'
	expect_status 0
	[ -z "$(ls -A "$MYDOCKER_ROOT/containers")" ] || fail "the layer was not removed"
	expect_eq "the volume's file after the container" kept "$(cat "$T/vol/f")"
}

# hint: Mount volumes in init, in the container's own mount namespace, not on the host.
test_volume_mount_is_not_on_the_host() {
	start_container -v "$T/vol:/data" "${IMAGE[@]}" /bin/sh -c 'echo ready; exec sleep 100'
	wait_until "the container says ready" grep -q ready "$T/bg.stdout"
	! grep -q " $T/vol \| /data " /proc/self/mountinfo || fail "the volume shows in the host's mount table"
	grep -q " $T/root/containers/[0-9a-f]*/merged " /proc/self/mountinfo || fail "no overlay on the host"
	container_pid
	kill -KILL "$cpid"
	wait_bg
}

# hint: resolve_in_root(): follow the image's symlinks as the container will see them, an absolute one from the root.
test_volume_over_an_image_symlink_stays_inside() {
	# /etc/hostetc -> /etc is absolute: inside the container that is the
	# container's /etc, never the host's
	mkdir "$T/img" && tar -xf "$MYDOCKER_ROOT/images/test.tar" -C "$T/img"
	ln -s /etc "$T/img/linked-etc"
	tar -C "$T/img" -cf "$MYDOCKER_ROOT/images/links.tar" .
	mydocker run -v "$T/vol:/linked-etc/mydocker-test-vol" "${IMAGE_FLAG[@]}" links /bin/sh -c 'ls -d /etc/mydocker-test-vol'
	expect_status 0
	expect_stdout /etc/mydocker-test-vol
	[ ! -e /etc/mydocker-test-vol ] || { rmdir /etc/mydocker-test-vol; fail "the volume went to the host's /etc"; }
}

# hint: A symlink that climbs above the root: refuse the volume (EXDEV) before creating anything.
test_symlink_out_of_the_root_is_refused() {
	mkdir "$T/img" && tar -xf "$MYDOCKER_ROOT/images/test.tar" -C "$T/img"
	ln -s ../../../../../../../../tmp "$T/img/escape"
	tar -C "$T/img" -cf "$MYDOCKER_ROOT/images/escape.tar" .
	mydocker run -v "$T/never:/escape/x" "${IMAGE_FLAG[@]}" escape /bin/true
	expect_status 125
	expect_one_error_line "leads out of the container's root"
	[ ! -e "$T/never" ] || fail "the host directory was created for a refused volume"
}

# hint: parse_volume(): HOST:CONTAINER[:ro|:rw], both absolute, no '..', not /.
test_bad_volume_specs_are_refused() {
	local spec
	for spec in "relative:/data" "$T/never:relative" "$T/never" "$T/never:/data:xx" \
		"$T/never:/data:ro:more" ":/data" "$T/never:" "$T/never:/" "$T/never:/../etc" \
		"$T/never:/a/../../etc" "$T/never::/data"; do
		container -v "$spec" "${IMAGE[@]}" /bin/true
		expect_status 125
		expect_one_error_line "invalid volume"
	done
	[ ! -e "$T/never" ] || fail "a refused volume created its host directory"
}

# start_for_commit CMD: a container that runs CMD, prints its id and waits
start_for_commit() {
	start_container "$@" "${IMAGE[@]}" /bin/sh -c "$COMMIT_SETUP; hostname; echo ready; exec sleep 100"
	wait_until "the container says ready" grep -q ready "$T/bg.stdout"
	id=$(head -n 1 "$T/bg.stdout")
}

stop_for_commit() {
	container_pid
	kill -KILL "$cpid"
	wait_bg
}

# hint: tar -cf images/IMAGE.tar -C containers/ID/merged . ; run --image IMAGE unpacks it.
test_commit_round_trip() {
	COMMIT_SETUP='echo saved >/committed-file; rm /bin/ls'
	start_for_commit
	mydocker commit "$id" snapshot
	expect_status 0
	expect_stdout "$MYDOCKER_ROOT/images/snapshot.tar"
	stop_for_commit
	tar -tf "$MYDOCKER_ROOT/images/snapshot.tar" | grep -qx './bin/busybox' || fail "not a plain root tar"
	mydocker run "${IMAGE_FLAG[@]}" snapshot /bin/sh -c 'cat /committed-file; ls /bin/ls 2>&1; true'
	expect_status 0
	expect_stdout_has saved
	expect_stdout_has "No such file"
}

# hint: commit tars the merged view on the host, where the volumes are not mounted.
test_commit_leaves_volumes_out() {
	COMMIT_SETUP='echo in-volume >/data/f; echo in-root >/root-file'
	start_for_commit -v "$T/vol:/data"
	mydocker commit "$id" novol
	expect_status 0
	stop_for_commit
	tar -tf "$MYDOCKER_ROOT/images/novol.tar" >"$T/list"
	grep -qx './root-file' "$T/list" || fail "the container's own file is missing"
	! grep -q '^./data/f$' "$T/list" || fail "the volume's content went into the image"
}

# hint: Refuse an existing image unless --force, and one a running container uses (its unpacked dir is a lowerdir in /proc/self/mountinfo).
test_commit_refuses_bad_names_and_existing_images() {
	COMMIT_SETUP=true
	start_for_commit
	local bad
	local busybox_tar
	busybox_tar=$(sha256sum <"$MYDOCKER_ROOT/images/busybox.tar")
	for bad in a//b .. ../x "" busybox.tar test.tar; do
		mydocker commit "$id" "$bad"
		expect_status 125
		expect_one_error_line "invalid image name"
	done
	expect_eq "the busybox image's tar" "$busybox_tar" "$(sha256sum <"$MYDOCKER_ROOT/images/busybox.tar")"
	mydocker commit "$id" test
	expect_status 125
	expect_one_error_line "image test exists"
	mydocker commit --force "$id" test
	expect_status 125
	expect_one_error_line "in use by a running container"
	mydocker commit "$id" fresh
	expect_status 0
	mydocker commit --force "$id" fresh
	expect_status 0
	stop_for_commit
}

# hint: containers/ID/merged must be a mount point.
test_commit_of_no_running_container_is_refused() {
	mydocker commit 0123456789ab img
	expect_status 125
	expect_one_error_line "container 0123456789ab"
	mydocker commit ../../etc img
	expect_status 125
	expect_one_error_line "container ../../etc"
	[ ! -e "$MYDOCKER_ROOT/images/img.tar" ] || fail "an image was written"
}
