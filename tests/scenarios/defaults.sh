# defaults.sh: docker's defaults, what a container may not touch: the host
# kernel's files and settings, its devices, the mydocker binary, the
# caller's environment. Each scenario tries what an untrusted image would,
# and never changes the host even where the attempt succeeds (an earlier
# stage, or a regression).

since ch04-defaults

masked_paths="/proc/acpi /proc/asound /proc/interrupts /proc/kcore /proc/keys /proc/latency_stats
	/proc/timer_list /proc/timer_stats /proc/sched_debug /proc/scsi /sys/firmware /sys/devices/virtual/powercap"
read_only_paths="/proc/bus /proc/fs /proc/irq /proc/sys /proc/sysrq-trigger"

# Every masked path this kernel has shows nothing: a file reads empty, a
# directory lists empty. (head -c bounds what a regression would read.)
# hint: masks.c: a file is covered by a bind mount of /dev/null, a directory by an empty read-only tmpfs; skip what does not exist.
test_masked_kernel_files_show_nothing() {
	local p expected=""
	for p in $masked_paths; do
		[ -e "$p" ] && expected+="$p 0"$'\n'
	done
	[ -n "$expected" ] || skip "this kernel has none of docker's masked paths"
	container "${IMAGE[@]}" /bin/sh -c 'for p in '"$(echo $masked_paths)"'; do
		if [ -d $p ]; then echo "$p $(ls -A $p | wc -l)"
		elif [ -e $p ]; then echo "$p $(head -c 4096 $p | wc -c)"; fi
	done'
	expect_status 0
	expect_stdout "${expected%$'\n'}"
}

# The host kernel's settings cannot be written, even by the container's
# root: the write of core_pattern's own value (never a new one) is refused.
# hint: A bind mount of each read-only path onto itself, then MS_BIND | MS_REMOUNT | MS_RDONLY (keep nosuid, nodev, noexec).
test_kernel_settings_are_read_only() {
	local p expected="" before
	before=$(cat /proc/sys/kernel/core_pattern)
	for p in $read_only_paths; do
		[ -e "$p" ] && expected+="$p ro nosuid nodev noexec"$'\n'
	done
	container "${IMAGE[@]}" /bin/sh -c 'cat /proc/sys/kernel/core_pattern >/proc/sys/kernel/core_pattern && echo written
		for p in '"$read_only_paths"'; do [ -e $p ] && echo "$p $('"$PROBE"' mountflags $p)"; done; true'
	expect_status 0
	expect_stdout "${expected%$'\n'}"
	expect_stderr_has "Read-only file system"
	expect_eq "the host's core_pattern" "$before" "$(cat /proc/sys/kernel/core_pattern)"
}

# A host device cannot be opened, even from a node the container makes
# itself (CAP_MKNOD stays, as in docker): here a loop device over a file
# that holds a secret, made by the test and detached at the end.
# hint: Every writable mount nodev: the root (a remount of its bind), /dev (after its devices are bound onto themselves).
test_host_devices_cannot_be_opened_even_after_mknod() {
	local loop major minor
	echo "secret-of-the-host" >"$T/disk"
	truncate -s 1M "$T/disk"
	loop=$(losetup --find --show "$T/disk" 2>"$T/losetup.err") ||
		skip "no loop device on this host: $(cat "$T/losetup.err")"
	trap "losetup -d $loop" EXIT
	major=$((0x$(stat -c %t "$loop"))) minor=$((0x$(stat -c %T "$loop")))
	container "${IMAGE[@]}" /bin/sh -c "
		mknod /tmp/disk b $major $minor && echo made-in-tmp && head -c 18 /tmp/disk
		mknod /dev/disk b $major $minor && echo made-in-dev && head -c 18 /dev/disk; true"
	expect_status 0
	expect_stdout "made-in-tmp
made-in-dev"
	expect_stderr_has "/tmp/disk: Permission denied"
	expect_stderr_has "/dev/disk: Permission denied"
}

# hint: mount("mqueue", "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL).
test_dev_mqueue_is_mounted() {
	container "${IMAGE[@]}" /bin/sh -c "grep -c ' /dev/mqueue .* - mqueue ' /proc/self/mountinfo; $PROBE mountflags /dev/mqueue"
	expect_status 0
	expect_stdout "1
rw nosuid nodev noexec"
}

# The container's command starts with docker's default environment, and
# nothing of the caller's: a variable set around mydocker is not inside.
# (/proc/1/environ is what the command was started with. sh must stay PID 1,
# hence a second command: a last command is exec'd in sh's place, and a
# /proc/1/environ that sh opened for it then reads sh's memory, gone.)
# hint: Build PATH, HOSTNAME, HOME (and TERM with -t) in the parent, send them as env pairs, execve(2) with them; exec init itself with an empty environment.
test_environment_is_docker_s_not_the_caller_s() {
	local flags hostname
	for flags in "" -t; do
		MYDOCKER_TEST_SECRET=leaked container $flags "${IMAGE[@]}" /bin/sh -c 'tr "\0" "\n" </proc/1/environ; hostname'
		expect_status 0
		at_least ch04-defaults && sed -i 's/\r$//' "$T/stdout" # (-t: a pty ends lines with \r\n, as docker's -t)
		hostname=$(tail -n 1 "$T/stdout")
		expect_stdout "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
HOSTNAME=$hostname
HOME=/root${flags:+
TERM=xterm}
$hostname"
	done
}

# CVE-2019-5736: an image whose command is #!/proc/self/exe gets the
# runtime's own binary run inside the container, with the image's dynamic
# loader: the hostile image here brings one (build/tests/hostile-loader)
# that chmods, chowns and truncates /proc/self/exe. Each must be refused,
# and the host's binary must not change. A copy of it is run, so a failing
# test cannot harm the build.
# hint: open_tree(2) of /proc/self/exe with OPEN_TREE_CLONE, mount_setattr(2) MOUNT_ATTR_RDONLY, and fexecve(3) of that fd as init.
test_hostile_image_cannot_touch_the_mydocker_binary() {
	local copy=$T/bin/mydocker before command
	mkdir -p "$T/bin"
	cp "$MYDOCKER" "$copy"
	cp "$HELPERS/../images/hostile.tar" "$MYDOCKER_ROOT/images/"
	before=$(stat -c '%a %u:%g %s' "$copy"; sha256sum <"$copy")
	for command in /hostile-script /proc/self/exe; do
		MYDOCKER=$copy mydocker run "${IMAGE_FLAG[@]}" hostile "$command"
		grep -q "hostile-loader: ran as the loader of /proc/self/exe" "$T/stdout" ||
			fail "the hostile loader did not run for $command: the test proves nothing"
		[ "$(grep -c ': refused$' "$T/stdout")" = 3 ] ||
			fail "the hostile loader's chown, chmod and truncate were not all refused ($command): $(cat "$T/stdout")"
		expect_eq "the host's mydocker binary (mode, owner, size, hash) after $command" \
			"$before" "$(stat -c '%a %u:%g %s' "$copy"; sha256sum <"$copy")"
	done
}

# A host that refuses the read-only view (here strace makes open_tree(2)
# say EPERM, as a seccomp filter around mydocker would) starts nothing:
# run fails with one line, 125, and leaves nothing.
# hint: start_child() says "make a read-only view of mydocker for init: " and strerror(errno), and returns -1.
test_a_refused_read_only_view_is_a_failed_start() {
	LAST_CMD="strace -e inject=open_tree:error=EPERM mydocker run ... /bin/true"
	timeout -s KILL 60 strace -f -qq -o /dev/null -e trace=open_tree -e inject=open_tree:error=EPERM \
		"$MYDOCKER" run "${IMAGE[@]}" /bin/true </dev/null >"$T/stdout" 2>"$T/stderr"
	status=$?
	expect_status 125
	expect_one_error_line "make a read-only view of mydocker for init: Operation not permitted"
}

# /dev is nodev: only the devices mydocker gives, each a mount of its own,
# can be opened (defaults.sh tries a node the container makes itself).
# hint: sysfs read-only; /dev nodev, with each device a bind mount of its own that keeps dev; / nodev.
test_proc_sys_and_dev_mount_flags() {
	container "${IMAGE[@]}" /bin/sh -c "for d in /proc /sys /dev/shm /dev /dev/null /dev/tty /; do echo \"\$d \$($PROBE mountflags \$d)\"; done
		touch /sys/x 2>/dev/null || echo sys-read-only"
	expect_status 0
	expect_stdout "/proc rw nosuid nodev noexec
/sys ro nosuid nodev noexec
/dev/shm rw nosuid nodev noexec
/dev rw nosuid nodev exec
/dev/null rw nosuid dev exec
/dev/tty rw nosuid dev exec
/ rw suid nodev exec
sys-read-only"
}

# hint: cap_drop_bound(3) for all but docker's 14, then cap_set_proc(3) with permitted and effective; inheritable empty.
test_capabilities_are_docker_s_default() {
	container "${IMAGE[@]}" /bin/sh -c 'grep ^Cap /proc/1/status'
	expect_status 0
	expect_stdout "CapInh:	0000000000000000
CapPrm:	00000000a80425fb
CapEff:	00000000a80425fb
CapBnd:	00000000a80425fb
CapAmb:	0000000000000000"
}

# hint: CAP_SYS_ADMIN is not among the 14: drop capabilities after the mounts.
test_mount_is_refused_inside() {
	container "${IMAGE[@]}" /bin/sh -c 'mount -t tmpfs none /tmp 2>&1 && echo mounted; grep -c " /tmp " /proc/self/mountinfo; true'
	expect_status 0
	expect_stdout "mount: permission denied (are you root?)
0"
}

# With -t the container gets a pty of its own: the caller's terminal is
# never its controlling terminal (with it, a process could push input into
# the caller's shell, TIOCSTI in ioctl_tty(2), or take its foreground).
# What the caller types still comes through, ^C too.
# hint: console.c: init makes a pty (pty(7)), the slave its fds 0-2 and, in its own session (setsid(2)), its controlling terminal (TIOCSCTTY); mydocker relays between its stdin/stdout and the master, its own terminal raw.
test_t_gives_the_container_a_pty_not_the_caller_s_terminal() {
	local caller inside
	mkfifo "$T/keys"
	# (the filesystem and the device number of fd 0: ptys of two devpts
	# instances may have the same number, 136:0, not the same filesystem)
	cat >"$T/session" <<SESSION
echo caller-tty=\$(stat -L -c %d:%t:%T /proc/\$\$/fd/0)
exec '$MYDOCKER' run -it ${IMAGE[*]} /bin/sh -c 'echo container-tty=\$(stat -L -c %d:%t:%T /proc/self/fd/0); exec $PROBE trap'
SESSION
	LAST_CMD="script -qec 'mydocker run -it test /bin/sh -c ...' /dev/null"
	script -qec "sh $T/session" /dev/null <"$T/keys" >"$T/bg.stdout" 2>"$T/bg.stderr" &
	bg=$!
	exec 8>"$T/keys"
	wait_until "the command says ready" grep -q ready "$T/bg.stdout"
	printf '\003' >&8
	wait_bg
	exec 8>&-
	expect_status 102
	caller=$(tr -d '\r' <"$T/stdout" | sed -n 's/^caller-tty=//p')
	inside=$(tr -d '\r' <"$T/stdout" | sed -n 's/^container-tty=//p')
	[ -n "$caller" ] || fail "the caller has no terminal: $(cat "$T/stdout")"
	[ -n "$inside" ] || fail "the container has no terminal: $(cat "$T/stdout")"
	[ "$inside" != "$caller" ] || fail "the container's terminal is the caller's ($caller)"
	# the end of our stdin reaches the container as its terminal's end of file
	printf 'typed\n' >"$T/input"
	STDIN=$T/input container -it "${IMAGE[@]}" /bin/cat
	expect_status 0
	grep -q '^typed' "$T/stdout" || fail "cat on the container's terminal did not get what was typed"
}

# The pty is the container's own, in its own devpts: `tty` names it as
# /dev/pts/0, not a host device the container cannot see, and its size
# follows the caller's terminal, at the start and on every resize
# (SIGWINCH), as `stty size` inside shows.
# hint: console.c: init opens /dev/pts/ptmx after mounting devpts and sends the master to mydocker over a unix socket (SCM_RIGHTS, cmsg(3)); mydocker copies its terminal's size to the master (TIOCGWINSZ, TIOCSWINSZ) at the start and on SIGWINCH.
test_t_s_pty_is_the_container_s_own_and_follows_the_caller_s_size() {
	local got
	cat >"$T/session" <<SESSION
stty rows 33 cols 77
(while ! grep -q ready '$T/bg.stdout'; do sleep 0.05; done; stty rows 44 cols 88 </dev/tty) &
exec '$MYDOCKER' run -it ${IMAGE[*]} /bin/sh -c 'tty; stty size; echo ready; i=0; while [ "\$(stty size)" != "44 88" ] && [ \$i -lt 50 ]; do sleep 0.1; i=\$((i+1)); done; stty size'
SESSION
	LAST_CMD="script -qfec 'mydocker run -it test /bin/sh -c \"tty; stty size; ...\"' /dev/null"
	script -qfec "sh $T/session" /dev/null </dev/null >"$T/bg.stdout" 2>"$T/bg.stderr" &
	bg=$!
	wait_bg
	expect_status 0
	got=$(tr -d '\r\000' <"$T/stdout" | sed 's/^\^@//' | tr '\n' ' ' | sed 's/ $//')
	expect_eq "tty, stty size, and stty size after the caller's terminal was resized" "/dev/pts/0 33 77 ready 44 88" "$got"
}

# The caller's terminal is as it was once the container has ended, also
# when its first process was killed with SIGKILL: mydocker puts it in raw
# mode for the relay, and its modes back on every way out of the relay.
# hint: console.c: tcgetattr(3) before cfmakeraw(3); tcsetattr(3) with what it saved when the relay ends, whatever ended it.
# lab: holds from the start: the skeleton (ch04-rootfs) hands the container the caller's terminal as it is and never changes its modes; the scenario is there for the relay you write
test_the_caller_s_terminal_modes_come_back_after_a_kill() {
	cat >"$T/session" <<SESSION
stty -g >'$T/before'
'$MYDOCKER' run -it ${IMAGE[*]} /bin/sh -c 'echo ready; exec sleep 4343'
echo "exit=\$?"
stty -g >'$T/after'
SESSION
	LAST_CMD="script -qfec 'mydocker run -it test /bin/sh -c \"echo ready; exec sleep 4343\"' /dev/null"
	script -qfec "sh $T/session" /dev/null </dev/null >"$T/bg.stdout" 2>"$T/bg.stderr" &
	bg=$!
	wait_until "the container says ready" grep -q ready "$T/bg.stdout"
	wait_until "its first process is sleep" pgrep -f '^sleep 4343$'
	pkill -KILL -f '^sleep 4343$'
	wait_bg
	expect_status 0
	# (script(1) echoes a NUL it is given as ^@, wherever it comes)
	tr -d '\r\000' <"$T/stdout" | sed 's/\^@//g' | grep -qx 'exit=137' || fail "mydocker did not exit 137: $(cat "$T/stdout")"
	expect_eq "the caller's terminal modes (stty -g), before and after" "$(cat "$T/before")" "$(cat "$T/after")"
}

# Without -t the container never holds the caller's terminal either:
# where mydocker's stdin, stdout or stderr is one, the container gets a
# pipe and mydocker copies, as docker does (a process holding the caller's
# terminal could read what is typed once the container is gone, or change
# its modes).
# hint: stdio.c: a pipe2(2) for each of fds 0-2 that isatty(3), the other end the container's; mydocker polls them and copies until PID 1 has exited (a pidfd).
test_without_t_the_container_never_holds_the_caller_s_terminal() {
	mkfifo "$T/keys"
	LAST_CMD="script -qec 'mydocker run -i test /bin/sh -c ...' /dev/null"
	script -qec "'$MYDOCKER' run -i ${IMAGE[*]} /bin/sh -c 'stat -L -c %F /proc/self/fd/0 /proc/self/fd/1 /proc/self/fd/2; echo ready; read line; echo got \$line; exit 3'" /dev/null \
		<"$T/keys" >"$T/bg.stdout" 2>"$T/bg.stderr" &
	bg=$!
	exec 8>"$T/keys"
	wait_until "the command says ready" grep -q ready "$T/bg.stdout"
	printf 'typed\n' >&8
	wait_bg
	exec 8>&-
	expect_status 3
	expect_eq "what fds 0, 1 and 2 are in the container" "fifo fifo fifo" \
		"$(tr -d '\r' <"$T/stdout" | grep -v -e ready -e typed | head -n 3 | tr '\n' ' ' | sed 's/ $//')"
	tr -d '\r' <"$T/stdout" | grep -q '^got typed$' || fail "what was typed did not come through: $(cat "$T/stdout")"
}

# sethostname(2) needs CAP_SYS_ADMIN too (docker: --hostname at start).
# hint: sethostname(2) needs CAP_SYS_ADMIN too.
test_hostname_cannot_be_changed_inside() {
	local before=$(hostname)
	container "${IMAGE[@]}" /bin/sh -c 'hostname changed-inside 2>&1; hostname'
	expect_status 0
	expect_stdout_has "Operation not permitted"
	expect_eq "host's hostname" "$before" "$(hostname)"
}

since ch05-detach-ps-logs

# part: 2
# hint: The same environment for -d: the monitor sends it, and the container's output goes to the log.
test_detached_environment_is_docker_s_not_the_caller_s() {
	local id
	MYDOCKER_TEST_SECRET=leaked container -d "${IMAGE[@]}" /bin/sh -c 'tr "\0" "\n" </proc/1/environ; true'
	expect_status 0
	id=$(stdout)
	mydocker logs -f "$id"
	expect_stdout "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
HOSTNAME=$id
HOME=/root"
	mydocker rm "$id"
}
