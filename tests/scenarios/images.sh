# images.sh: chapter 5.7, the image on run's command line as the book and
# docker write it, `run IMAGE` with the image's own command, commit, and
# `images` and `rmi`.

since ch05-images-env

# The book's own command lines from its section 5.7, with host directories
# of the test's own instead of /root/from1.
# part: 1
# hint: run [OPTIONS] IMAGE [COMMAND]: the first argument after the flags is the image.
test_the_book_s_command_lines_from_5_7() {
	mydocker run -d --name container1 -v "$T/from1:/to1" busybox top
	expect_status 0
	mydocker exec container1 /bin/sh -c 'echo made-in-1 >/to1/file; echo in-the-root >/root-file'
	expect_status 0
	mydocker commit container1 image1
	expect_status 0
	mydocker run -d --name container2 -v "$T/from2:/to2" image1 top
	expect_status 0
	mydocker exec container2 /bin/sh -c 'cat /root-file; ls /to1 2>&1 | head -n 1; ls /to2'
	expect_status 0
	expect_stdout "in-the-root"
	[ "$(cat "$T/from1/file")" = made-in-1 ] || fail "the volume of container1 does not hold its file"
	mydocker rm -f container1 container2
	expect_status 0
}

# part: 1
# hint: With no COMMAND, run reads the image's default from images/IMAGE.json ({"cmd": [...]}); busybox's is sh.
test_run_without_a_command_runs_the_image_s_own() {
	LAST_CMD="echo 'echo from-the-default-shell' | mydocker run -i busybox"
	echo 'echo from-the-default-shell' | timeout -s KILL 60 "$MYDOCKER" run -i busybox >"$T/stdout" 2>"$T/stderr"
	status=$?
	expect_status 0
	expect_stdout from-the-default-shell
	rm "$MYDOCKER_ROOT/images/test.json"
	mydocker run test
	expect_status 125
	expect_one_error_line "image test has no default command"
}

# part: 1
# hint: commit records the container's command as the new image's default.
test_commit_then_run_the_new_image_with_its_command() {
	mydocker run -d --name maker test /bin/sh -c \
		'if [ -e /made ]; then cat /made; else echo committed-file >/made; exec sleep 1000; fi'
	expect_status 0
	wait_until "the container has written its file" sh -c "'$MYDOCKER' exec maker cat /made"
	mydocker commit maker snapshot
	expect_status 0
	mydocker run --rm snapshot
	expect_status 0
	expect_stdout committed-file
	mydocker rm -f maker
	expect_status 0
}

# part: 1
# hint: --image is refused with a line that shows the new order; run with no image says it needs one.
test_run_s_image_is_an_argument_now() {
	mydocker run --image busybox /bin/true
	expect_status 125
	expect_one_error_line "--image is gone"
	mydocker run
	expect_status 125
	expect_one_error_line "needs an image"
	local bad
	for bad in ../etc x//y .hidden busybox.tar; do
		mydocker run "$bad" /bin/true
		expect_status 125
		expect_one_error_line "invalid image name"
	done
	mydocker run nosuch /bin/true
	expect_status 125
	expect_one_error_line "image nosuch not found"
}

# A container that is still starting holds its image already: its record
# says "created" until the command runs. strace holds init back at
# pivot_root(2) meanwhile.
# part: 1
# hint: record_is_live(): "created" or "running", under a mydocker that is still alive, counts as a user.
test_rmi_refuses_an_image_a_starting_container_uses() {
	run_d_held starting 2000 "${IMAGE[@]}" /bin/sleep 1000
	# (its name is taken before its record is written: wait for the record)
	wait_until "the container has a record" test -s "$MYDOCKER_RUN/names/starting/config.json"
	mydocker rmi test
	expect_status 125
	expect_one_error_line "image test is in use by running container starting"
	rm_held starting
}

# part: 1
# hint: rmi refuses an image a running container uses (its record), else removes the tar, its json and its unpacked copy.
test_rmi_removes_an_image_no_running_container_uses() {
	mydocker run -d --name user test /bin/sh -c 'sleep 1000 & wait'
	expect_status 0
	mydocker rmi test
	expect_status 125
	expect_one_error_line "image test is in use by running container user"
	[ -e "$MYDOCKER_ROOT/images/test.tar" ] || fail "rmi removed an image in use"
	mydocker rm -f user
	expect_status 0
	mydocker rmi test
	expect_status 0
	expect_stdout test
	[ -z "$(ls -A "$MYDOCKER_ROOT/images" | grep '^test')" ] || fail "rmi left: $(ls -A "$MYDOCKER_ROOT/images")"
	mydocker rmi test
	expect_status 125
	expect_one_error_line "no image test"
}

# Until ch07-docker; from there on `images` has docker's columns,
# REPOSITORY and TAG among them (docker.sh).
before ch07-docker

# part: 1
# hint: images: scandir(3) images/*.tar; the size of the tar, its mtime.
test_images_lists_the_images() {
	mydocker images
	expect_status 0
	expect_eq "the heading" "IMAGE SIZE CREATED" "$(head -n 1 "$T/stdout" | tr -s ' ')"
	expect_eq "the images" "busybox
test" "$(tail -n +2 "$T/stdout" | awk '{ print $1 }')"
	grep -q '^busybox  *[0-9.]*[kMG]B  *[0-9-]* [0-9:]*$' "$T/stdout" || fail "no size and date for busybox: $(stdout)"
}
