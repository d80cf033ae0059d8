# Makefile: builds every stage's mydocker, tests them, diffs them.
#   make              build all stages
#   make STAGE        build one (make ch03-run); ./run then starts it
#   make test         build and test everything; ends with "N passed, N failed"
#   make test-STAGE   test one stage
#   make diff TO=STAGE [FROM=STAGE]   what a stage adds to the one before it
#   make check-host   what this host lacks to run containers
#   make clean-host   remove what crashed containers left (mydocker prune --force)
#   make lab STAGE=S, make test-lab STAGE=S [PART=N], make lab-reset   classroom labs
#   make handout STAGE=S, make grade STAGE=S LABS="DIR..."     a class's labs
#   make bench        what a container start costs, next to crun and runc

# (a handout lists the lab's stage without its directory: it is not built)
STAGES := $(foreach s,$(shell awk '!/^\#/ && NF { print $$1 }' stages.list),$(if $(wildcard $(s)/main.c),$(s)))
LAST_STAGE := $(lastword $(STAGES))
# the stages that run an image: ch04-rootfs and after
IMAGE_STAGES := $(shell awk '/^ch04-rootfs/ { f = 1 } f && !/^\#/ && NF { print $$1 }' stages.list)
MYDOCKER_ROOT ?= /var/lib/mydocker

# when this make started: make test says how long it took, build included
MAKE_STARTED := $(shell date +%s)
# every CPU builds (make test builds all stages, their unit tests and images)
MAKEFLAGS += -j$(shell nproc)

CC := gcc
CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror
LDFLAGS :=
# libcap linked statically: mydocker is exec'd twice per container start (the
# command, then init), and loading one shared library less saves ~0.1 ms each.
# libmnl (rtnetlink, from ch06-network on) has no static library in Debian;
# --as-needed leaves it out of the stages that do not call it. libnftables
# (ch06-nat) is not linked: nat.c loads it with dlopen(3) when it needs it.
# ch07-layers: libarchive (layers: tar, gzip, zstd, safe extraction) and
# nettle (sha256), static too, with what the parts of libarchive that
# mydocker calls need (zlib, zstd, acl): shared, libarchive would bring
# twelve more libraries (libxml2, ICU, libstdc++, ...) into every exec of
# mydocker, and make bench showed a start go from 0.68x to 0.98x crun.
# A static library only adds the objects a stage calls: none before.
LDLIBS := -Wl,--as-needed -Wl,-Bstatic -lcap -larchive -lnettle -lz -lzstd -lacl \
	  -Wl,-Bdynamic -lcjson -lmnl -lm
ifeq ($(SANITIZE),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif

COMMON_OBJS := $(patsubst %.c,build/%.o,$(wildcard common/*.c))
# an archive: a stage links only the helpers it uses (and their libraries)
COMMON_LIB := build/common/libcommon.a

.PHONY: all $(STAGES) test $(STAGES:%=test-%) diff steps check-steps check-claims check-shape lint clean deps install-image check-host clean-host lab test-lab lab-reset lab-notes handout classroom grade bench
.DEFAULT_GOAL := all

all: $(STAGES:%=%/mydocker) $(if $(IMAGE_STAGES),install-image)
	@echo $(LAST_STAGE) > build/last-stage

# `make ch03-run` builds one stage and makes it the one ./run starts.
$(STAGES): %: %/mydocker
	@echo $@ > build/last-stage
$(IMAGE_STAGES): install-image

# Any stage: its own sources plus common/.
.SECONDEXPANSION:
# (No '%' inside the function calls: make would put the stem there.)
%/mydocker: $$(addprefix build/,$$(addsuffix .o,$$(basename $$(wildcard $$*/*.c)))) $(COMMON_LIB)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(COMMON_LIB): $(COMMON_OBJS)
	rm -f $@
	ar rcs $@ $^

.SECONDARY:
build/%.o: %.c | build/deps.ok
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -Icommon -I$(<D) -c $< -o $@

# The busybox image (a root filesystem as a tar), and where mydocker finds it.
build/images/busybox.tar: tools/make-image | build/deps.ok
	tools/make-image $@
install-image: build/images/busybox.tar
	@tools/install-image $< $(MYDOCKER_ROOT)

# Installs missing packages (as root) or says which to install; fetches
# nginx's .debs for tools/make-nginx-image (ch07-config's try-it).
build/deps.ok: tools/ensure-deps
	@mkdir -p build
	tools/ensure-deps
	tools/ensure-deps nginx
	@touch $@
deps: build/deps.ok

include tests/tests.mk

FROM ?= $(shell awk -v to=$(TO) '!/^\#/ && NF { if ($$1 == to) { print prev; exit } prev = $$1 }' stages.list)
diff:
	@test -n "$(TO)" || { echo "usage: make diff TO=STAGE [FROM=STAGE]" >&2; exit 2; }
	@test -n "$(FROM)" || { echo "$(TO) is the first stage: nothing before it to diff against" >&2; exit 2; }
	@tools/make-step $(FROM) $(TO) | { if [ -t 1 ]; then sed -e $$'s/^+.*/\e[32m&\e[0m/' -e $$'s/^-.*/\e[31m&\e[0m/'; else cat; fi; } || true

# Each stage's step, the diff from the stage before it, is committed under
# notes/steps/, so a change to any chapter shows up as a change to a lesson.
# (the first stage's step is the whole stage, from nothing)
steps:
	@mkdir -p notes/steps
	@prev=-; for s in $(STAGES); do tools/make-step $$prev $$s > notes/steps/$$s.diff; prev=$$s; done
	@echo "wrote notes/steps/*.diff; each step adds and removes (a step is one idea, ~600 lines at most):"
	@tools/check-shape --sizes $(STAGES)

# Fails when a committed step is not what the sources make: run make steps,
# and read the change to the lesson before committing it.
check-steps:
	@tools/check-steps $(STAGES)

# Fails when a step is more than one idea's size, when the files of a stage
# call each other in a circle, or when a function does not fit on a screen.
check-shape:
	@tools/check-shape $(STAGES)

# Fails when a step changes a file that its notes' step table does not name
# (a fix that missed a later copy shows up so), or names one it leaves alone.
check-claims:
	@tools/check-claims $(STAGES)

# What this host lacks, and what crashed containers left on it, as the
# course's last stage sees them.
check-host: $(LAST_STAGE)/mydocker
	$(LAST_STAGE)/mydocker check
clean-host: $(LAST_STAGE)/mydocker
	$(LAST_STAGE)/mydocker prune --force

# What a container start costs, stage by stage, next to crun and runc
# (tests/bench/README.md). Not part of make test.
bench: $(STAGES:%=%/mydocker) build/images/busybox.tar
	@tools/ensure-deps bench
	@tests/bench/run

lint: build/deps.ok
	cppcheck --quiet --error-exitcode=1 --enable=warning,style,performance,portability \
		--inline-suppr --std=c11 -Icommon $(STAGES) common tests/helpers

clean:
	rm -rf build $(STAGES:%=%/mydocker)

-include $(shell find build -name '*.d' 2>/dev/null)
