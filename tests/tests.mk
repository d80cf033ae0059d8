# tests.mk: building the tests (included by the Makefile). A unit test
# tests/unit/test_X.c is built once per stage it holds for (its "since:"
# line), against that stage's own objects; the scenarios run against each
# stage's mydocker.

UNIT_TESTS := $(wildcard tests/unit/test_*.c)
TEST_HELPERS := build/tests/probe build/tests/test_common build/images/test.tar build/images/busybox.tar \
	build/images/hostile.tar build/tests/recvtty

build/tests/probe: tests/helpers/probe.c | build/deps.ok
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -static $< -o $@

# The far end of --console-socket (tests/scenarios/console.sh).
build/tests/recvtty: tests/helpers/recvtty.c | build/deps.ok
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $< -o $@

# The tests' image: busybox plus the probe, as /usr/bin/probe.
build/images/test.tar: tools/make-image build/tests/probe | build/deps.ok
	tools/make-image $@ build/tests/probe:usr/bin/probe

# A hostile image (tests/scenarios/defaults.sh): its dynamic loader, where
# mydocker's ELF interpreter is looked for, is hostile-loader; its
# /hostile-script runs #!/proc/self/exe. (No libc: see the source.)
build/tests/hostile-loader: tests/helpers/hostile-loader.c | build/deps.ok
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -static -nostdlib -fno-stack-protector -fno-pie -no-pie $< -o $@
build/tests/hostile-script:
	@mkdir -p $(@D)
	printf '#!/proc/self/exe\n' >$@
# mydocker's ELF interpreter is the one this compiler gives any program.
build/tests/dynamic: | build/deps.ok
	@mkdir -p $(@D)
	echo 'int main(void) { return 0; }' | $(CC) -x c - -o $@
build/images/hostile.tar: tools/make-image build/tests/hostile-loader build/tests/hostile-script build/tests/dynamic
	tools/make-image $@ build/tests/hostile-script:hostile-script \
		build/tests/hostile-loader:$$(readelf -l build/tests/dynamic | sed -n 's/.*interpreter: \(.*\)]/\1/p')

build/tests/test_common: tests/unit/common/test_common.c $(COMMON_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Icommon $^ $(LDLIBS) -lcmocka -o $@

# STAGE_TESTS(stage): the stage's unit test programs and its test-STAGE target.
define STAGE_TESTS
$(1)_TEST_OBJS := $(patsubst %.c,build/%.o,$(filter-out $(1)/main.c,$(wildcard $(1)/*.c)))
$(1)_UNIT := $(patsubst tests/unit/%.c,build/$(1)/unit/%,$(shell tests/applies $(1) $(UNIT_TESTS)))
build/$(1)/unit/%: tests/unit/%.c $$($(1)_TEST_OBJS) $(COMMON_LIB)
	@mkdir -p $$(@D)
	$(CC) $(CFLAGS) -Icommon -I$(1) $$^ $(LDLIBS) -lcmocka -o $$@
# make test-STAGE MYDOCKER=path runs the stage's scenarios against another binary
test-$(1): $(1)/mydocker $$($(1)_UNIT) $(TEST_HELPERS)
	@tests/run-stage $(1)
endef
$(foreach s,$(STAGES),$(eval $(call STAGE_TESTS,$(s))))

# (Not `all`: the tests never install into the real MYDOCKER_ROOT.)
test: $(STAGES:%=%/mydocker) $(foreach s,$(STAGES),$($(s)_UNIT)) $(TEST_HELPERS)
	@MAKE_STARTED=$(MAKE_STARTED) tests/run-all

# Lab mode (classroom): make lab STAGE=ch04-overlay gives lab/ with the
# stage before it; make test-lab STAGE=ch04-overlay grades lab/mydocker.
lab: build/deps.ok
	@tools/lab-create $(STAGE)
test-lab: $(TEST_HELPERS) $(COMMON_LIB)
	@test -n "$(STAGE)" || { echo "usage: make test-lab STAGE=STAGE [PART=N]" >&2; exit 2; }
	@test -d lab || { echo "no lab/: make lab STAGE=$(STAGE) first" >&2; exit 2; }
	@$(MAKE) -s -C lab
	@tests/run-lab $(STAGE) $(PART)
# The Lab sections of the notes: each stage's lab contract, from the scenarios.
lab-notes:
	@tools/lab-notes $(STAGES)

# A tarball for a class (tools/handout), and their labs graded as CSV.
handout: build/deps.ok
	@test -n "$(STAGE)" || { echo "usage: make handout STAGE=STAGE" >&2; exit 2; }
	@tools/handout $(STAGE)
classroom: build/deps.ok
	@test -n "$(STAGE)" || { echo "usage: make classroom STAGE=STAGE [DIR=...]" >&2; exit 2; }
	@tools/classroom $(STAGE) $(DIR)
grade: $(TEST_HELPERS) $(COMMON_LIB)
	@test -n "$(STAGE)" && test -n "$(LABS)" || { echo "usage: make grade STAGE=STAGE LABS=\"DIR...\"" >&2; exit 2; }
	@tools/grade $(STAGE) $(LABS)

lab-reset:
	@tools/lab-reset
