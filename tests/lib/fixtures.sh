# fixtures.sh: what a stage's scenarios need before they start: the probe
# program where the container can run it, and from ch04-rootfs on, the
# images (busybox, and test: busybox plus the probe at /usr/bin/probe).
RUN_FLAGS=()

fixtures_setup() {
	if at_least ch04-rootfs; then
		mkdir -p -m 700 "$MYDOCKER_ROOT/images"
		cp "$HELPERS/../images/test.tar" "$HELPERS/../images/busybox.tar" "$MYDOCKER_ROOT/images/"
		cp "$HELPERS/../images/test.json" "$HELPERS/../images/busybox.json" "$MYDOCKER_ROOT/images/"
		RUN_FLAGS=(--image test)
		PROBE=/usr/bin/probe
	else
		PROBE=$HELPERS/probe
	fi
}
