# rootfs.sh: chapter 4.1, the container's own root: the image's files and
# nothing of the host's, a /dev, /proc and /sys of its own, and root
# without most of root's powers.

since ch04-rootfs

# hint: Unpack images/NAME.tar once, and pivot_root(2) into it.
test_root_is_the_image() {
	container "${IMAGE[@]}" /bin/sh -c 'ls /; readlink /bin/sh; cat /etc/passwd'
	expect_status 0
	expect_stdout_has "linuxrc"
	expect_stdout_has "/bin/busybox"
	expect_stdout_has "root:x:0:0:root:/root:/bin/sh"
}

# hint: After pivot_root, unmount the old root (MNT_DETACH) and remove its directory.
test_host_files_are_not_visible() {
	container "${IMAGE[@]}" /bin/sh -c "ls '$T' /work /home /etc/os-release 2>&1; cat /proc/self/mountinfo"
	expect_status 0
	! grep -q "^$T" "$T/stdout" || fail "the host's $T is visible in the container"
	! grep -q "pivot_root\|/sys/fs/cgroup\|/etc/os-release$" "$T/stdout" || fail "host mounts or files are visible"
	# the container's own: /, /proc, /dev, /sys, what is mounted below them
	! awk '/ - / { print $5 }' "$T/stdout" | grep -v -E '^/$|^/(proc|dev|sys)(/|$)' ||
		fail "mounts other than /, /proc, /dev, /sys and below them"
}

# hint: rmdir(2) put_old once it is unmounted.
test_old_root_is_removed() {
	container "${IMAGE[@]}" /bin/sh -c 'ls -a / | grep pivot_root; true'
	expect_status 0
	expect_stdout ""
	[ -z "$(ls -A "$MYDOCKER_ROOT/images/test" | grep pivot_root)" ] || fail "a .pivot_root dir was left in the image"
}

# hint: A tmpfs on /dev, mknod(2) the six devices (chmod after: the umask), the /dev/fd links, devpts with newinstance, /dev/shm.
test_dev_nodes_are_usable() {
	container "${IMAGE[@]}" /bin/sh -c '
		echo discarded >/dev/null && echo null-ok
		[ "$(head -c 3 /dev/zero | od -An -tx1 | tr -d " ")" = 000000 ] && echo zero-ok
		[ "$(head -c 16 /dev/urandom | wc -c)" = 16 ] && echo urandom-ok
		[ "$(head -c 16 /dev/random | wc -c)" = 16 ] && echo random-ok
		echo x 2>/dev/null >/dev/full || echo full-ok
		[ -c /dev/tty ] && echo tty-ok
		[ "$(readlink /dev/fd)" = /proc/self/fd ] && [ -L /dev/stdin ] && [ -L /dev/stdout ] && [ -L /dev/stderr ] && echo links-ok
		[ -c /dev/pts/ptmx ] && [ "$(readlink /dev/ptmx)" = pts/ptmx ] && echo pts-ok
		echo shared >/dev/shm/x && [ "$(cat /dev/shm/x)" = shared ] && echo shm-ok
		ls /dev | grep -q -e sda -e vda -e nvme -e mem && echo host-devices-visible
		true'
	expect_status 0
	expect_stdout "null-ok
zero-ok
urandom-ok
random-ok
full-ok
tty-ok
links-ok
pts-ok
shm-ok"
}

# hint: /sys is sysfs, read-only; /dev a tmpfs with devpts and a tmpfs /dev/shm in it.
test_proc_sys_and_dev_are_mounted() {
	container "${IMAGE[@]}" /bin/sh -c "for d in /proc /sys /dev/shm; do echo \"\$d \$($PROBE mountflags \$d)\"; done
		grep -c ' /dev/pts .* - devpts ' /proc/self/mountinfo; touch /sys/x 2>/dev/null || echo sys-read-only"
	expect_status 0
	expect_stdout "/proc rw nosuid nodev noexec
/sys ro nosuid nodev noexec
/dev/shm rw nosuid nodev noexec
1
sys-read-only"
}

# hint: Unpack into a temp dir and rename(2) it into place; skip when images/NAME/ exists; debug 'unpacked image NAME'.
test_image_is_unpacked_once() {
	mydocker --debug run "${IMAGE[@]}" /bin/true
	expect_status 0
	expect_stderr_has "unpacked image test"
	mydocker --debug run "${IMAGE[@]}" /bin/true
	expect_status 0
	! grep -q "unpacked image" "$T/stderr" || fail "the image was unpacked a second time"
}

# hint: access(2) images/NAME.tar before anything else: one line, 125.
test_missing_image_exits_125() {
	mydocker run "${IMAGE_FLAG[@]}" nosuch /bin/true
	expect_status 125
	expect_one_error_line "image nosuch not found"
	[ ! -e "$MYDOCKER_ROOT/images/nosuch" ] || fail "a missing image left a directory"
}

# hint: tar failed: remove the temp dir, say the image is broken, 125.
test_broken_image_exits_125_and_leaves_nothing() {
	head -c 5000 /dev/urandom >"$MYDOCKER_ROOT/images/broken.tar"
	mydocker run "${IMAGE_FLAG[@]}" broken /bin/true
	expect_status 125
	expect_one_error_line "image broken is broken"
	[ -z "$(ls -A "$MYDOCKER_ROOT/images" | grep -v '^busybox.tar$\|^test.tar$\|^broken.tar$\|\.json$')" ] ||
		fail "a broken image left: $(ls -A "$MYDOCKER_ROOT/images")"
}

# Until ch05-images-env the image is a flag, --image, with a default; from
# there on it is run's first argument (images.sh has its scenarios).
before ch05-images-env

# hint: --image defaults to busybox.
test_default_image_is_busybox() {
	mydocker run /bin/sh -c 'ls /usr/bin/probe 2>/dev/null || echo no-probe; readlink /bin/sh'
	expect_status 0
	expect_stdout "no-probe
/bin/busybox"
}

# hint: image_name_is_valid(): letters, digits, '_.-', no leading '.', '-' or '_', not ending in .tar.
test_bad_image_name_is_refused() {
	local bad
	for bad in ../etc x/y .hidden "" -x busybox.tar; do
		mydocker run --image "$bad" /bin/true
		expect_status 125
		expect_one_error_line "invalid --image"
	done
}

since ch04-rootfs

# Unpacked images hold what images bring (setuid programs, device nodes):
# only root may reach them, as docker keeps /var/lib/docker.
# lab: not graded: about tools/install-image, run by make
# hint: This is tools/install-image (make), not your mydocker: images/ is made 0700.
test_installed_images_are_root_s_only() {
	local repo=$(dirname "$HELPERS")/..
	mkdir -p "$T/fresh/images" && chmod 755 "$T/fresh/images"
	"$repo/tools/install-image" "$HELPERS/../images/busybox.tar" "$T/fresh" >/dev/null
	expect_eq "the mode of images/" 700 "$(stat -c %a "$T/fresh/images")"
	rm -rf "$T/fresh"
}

before ch04-overlay

# The book's chapter 4.1 and this stage: the container writes straight
# into the image, so the next container starts from its leftovers.
# hint: In ch04-rootfs the container's root is the image directory itself (the next stage fixes that).
test_writes_go_into_the_image() {
	container "${IMAGE[@]}" /bin/sh -c 'echo left-behind >/written-by-a-container'
	expect_status 0
	[ "$(cat "$MYDOCKER_ROOT/images/test/written-by-a-container")" = left-behind ] ||
		fail "expected the file in the image directory"
	container "${IMAGE[@]}" /bin/cat /written-by-a-container
	expect_stdout left-behind
}
