# fixtures.sh: what a stage's scenarios need before they start, by stage:
# the probe program where the container can run it, and (from ch04-rootfs
# on) the test image.
RUN_FLAGS=()

fixtures_setup() {
	PROBE=$HELPERS/probe
}
