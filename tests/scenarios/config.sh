# config.sh: an image's config as a container's defaults (ch07-config):
# Entrypoint and Cmd with docker's rules, Env under -e, WorkingDir, User
# and -u (names from the image's own /etc/passwd and /etc/group),
# StopSignal for stop; an image for another machine refused at load. The
# images are made here, offline (tests/helpers/make-oci-layout).

since ch07-config

# app_image [LAYOUT-ARGS...]: loads image "app": busybox, and a layer with
# a user app (1000) in groups app (1000) and staff (50), and /srv/hello.
app_image() {
	layout "$T/L" app "$@" "$HELPERS/../images/busybox.tar" \
		'top:etc/passwd=root:x:0:0:root:/root:/bin/sh
app:x:1000:1000:app:/home/app:/bin/sh
,etc/group=root:x:0:
staff:x:50:app
app:x:1000:
,srv/hello=hi'
	mydocker load -i "$T/L"
	expect_status 0
}

CONFIG='{"Entrypoint": ["/bin/sh", "-c"], "Env": ["GREETING=hello", "PATH=/usr/bin:/bin", "FROM_HOST"],
	"WorkingDir": "/srv", "User": "app", "StopSignal": "SIGUSR1"}'
SHOW='echo $GREETING $PATH $HOME ${FROM_HOST:-none}; pwd; id -u; id -G'

# With no command, the image's Entrypoint then its Cmd, in its
# WorkingDir, as its User (HOME its home), with its Env: a NAME alone
# there takes nothing from the host, as -e NAME would.
# hint: image_defaults(): Entrypoint + Cmd, Env before -e, WorkingDir and User unless given; init: enter_workdir(), become_user() after drop_capabilities().
test_the_image_config_is_the_container_s_default() {
	app_image --config "$CONFIG" --cmd "[\"$SHOW\"]"
	FROM_HOST=leaked mydocker run --rm app
	expect_status 0
	expect_stdout "hello /usr/bin:/bin /home/app none
/srv
1000
1000 50"
}

# docker's rules: a command replaces Cmd and keeps Entrypoint;
# --entrypoint replaces Entrypoint and drops Cmd; -e is over Env; -w and
# -u over WorkingDir and User; a WorkingDir the image lacks is made.
# hint: A command given replaces Cmd only; --entrypoint also drops the image's Cmd; the image's Env goes before -e, so -e wins.
test_run_s_flags_override_the_image_config() {
	app_image --config "$CONFIG" --cmd '["echo from-cmd"]'
	mydocker run --rm app 'echo given; pwd'
	expect_stdout "given
/srv"
	mydocker run --rm --entrypoint /bin/echo app one two
	expect_stdout "one two"
	mydocker run --rm -e GREETING=bye -w /new -u 0 app 'echo $GREETING; pwd; id -u'
	expect_stdout "bye
/new
0"
	mydocker run --rm -u app:staff app 'id -u; id -G'
	expect_stdout "1000
50"
	mydocker run --rm -u 2000 app 'id -u; id -g'
	expect_stdout "2000
0"
}

# A user the image's /etc/passwd does not have is an error (125), as in
# docker; the host's users do not count.
# hint: become_user(): an unknown name dies with 125, "unable to find user NAME"; the container's /etc/passwd, read after pivot_root.
test_an_unknown_user_is_refused() {
	app_image --cmd '["true"]'
	mydocker run --rm -u nobody-here app
	expect_status 125
	expect_stderr_has "unable to find user nobody-here"
	mydocker run --rm -u app:nogroup app
	expect_status 125
	expect_stderr_has "unable to find group nogroup"
}

# A non-root user gets no capabilities, as in docker: setuid clears them.
# hint: become_user() after drop_capabilities(): setuid(2) to a uid other than 0 clears the permitted and effective sets.
test_a_user_other_than_root_has_no_capabilities() {
	app_image --config "$CONFIG" --cmd '["grep ^CapEff /proc/self/status"]'
	mydocker run --rm app
	expect_status 0
	expect_stdout "CapEff:	0000000000000000"
}

# exec runs as the container's user, in its working directory.
# hint: The record keeps the user and the working directory; exec-init passes them to become_command().
test_exec_runs_as_the_container_s_user() {
	app_image --config "$CONFIG" --cmd '["sleep 1000"]'
	mydocker run -d --name a app
	expect_status 0
	mydocker exec a /bin/sh -c 'id -u; pwd'
	expect_stdout "1000
/srv"
	mydocker rm -f a
	expect_status 0
}

# stop sends the image's StopSignal first: a container that traps only
# SIGUSR1 exits 0 at once.
# hint: stop_containers(): image_stop_signal() of each container's image, then the wait, then SIGKILL.
test_stop_sends_the_image_s_stop_signal() {
	app_image --config '{"StopSignal": "SIGUSR1"}' \
		--cmd '["/bin/sh", "-c", "trap \"exit 0\" USR1; sleep 1000 & wait"]'
	mydocker run -d --name a app
	expect_status 0
	local start=$(date +%s%N)
	mydocker stop -t 20 a
	expect_status 0
	local ms=$((($(date +%s%N) - start) / 1000000))
	[ "$ms" -lt 5000 ] || fail "stop took $ms ms: SIGUSR1 was not sent first"
	mydocker ps -a
	expect_stdout_has "exited (0)"
	mydocker rm a
	expect_status 0
}

# An image for another machine is refused at load, and leaves nothing.
# hint: load_image(): the config's os and architecture against this machine's (for_this_machine()).
test_an_image_for_another_machine_is_refused() {
	layout "$T/L" other --arch arm64 --cmd '["true"]' 'a:a=1'
	mydocker load -i "$T/L"
	expect_status 125
	expect_one_error_line "is for linux/arm64"
	expect_eq "layers left" "" "$(ls "$MYDOCKER_ROOT/layers" 2>/dev/null)"
}

# An index of one image for several machines (a multi-arch image, as
# skopeo copy keeps it): load takes this machine's entry, and reads no
# other (the arm64 entry's blobs are not there).
# hint: read_manifest(): an index among the manifests is searched for linux/THIS_ARCHITECTURE (is_this_platform()); only that entry is read.
test_load_takes_this_machine_s_image_of_several() {
	layout "$T/L" multi --platforms --cmd '["cat", "/m"]' "$HELPERS/../images/busybox.tar" 'a:m=the-amd64-image'
	mydocker load -i "$T/L"
	expect_status 0
	expect_stdout "Loaded image: multi"
	mydocker run --rm multi
	expect_status 0
	expect_stdout "the-amd64-image"
}
