# fixtures.sh: what a stage's scenarios need before they start: the probe
# program where the container can run it, and from ch04-rootfs on, the
# images (busybox, and test: busybox plus the probe at /usr/bin/probe),
# and how this stage's `run` names an image:
#   IMAGE       the test image, to write between run's flags and its
#               command: nothing before ch04-rootfs (the host's root),
#               `--image test` until ch05-images-env, `test` from then on
#               (the image is run's first argument, as in docker)
#   IMAGE_FLAG  what goes before another image's name: --image, or nothing
IMAGE=() IMAGE_FLAG=()

fixtures_setup() {
	if at_least ch04-rootfs; then
		mkdir -p -m 700 "$MYDOCKER_ROOT/images"
		cp "$HELPERS/../images/test.tar" "$HELPERS/../images/busybox.tar" "$MYDOCKER_ROOT/images/"
		cp "$HELPERS/../images/test.json" "$HELPERS/../images/busybox.json" "$MYDOCKER_ROOT/images/"
		at_least ch05-images-env || IMAGE_FLAG=(--image)
		IMAGE=("${IMAGE_FLAG[@]}" test)
		PROBE=/usr/bin/probe
	else
		PROBE=$HELPERS/probe
	fi
}

# layout DIR NAME [--cmd JSON] [--config JSON] [--arch ARCH] [--break WHAT]
# LAYER...: an OCI image layout made offline (tests/helpers/make-oci-layout
# says how), from ch07-layers on; fails the scenario if it cannot.
layout() {
	"$HELPERS/../../tests/helpers/make-oci-layout" "$@" || fail "make-oci-layout $*"
}
