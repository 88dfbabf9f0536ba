# medcode — one non-recursive Makefile.
#
#   make            build build/medcode and build/libmedcode.a
#   make run        install deps, fetch + build the bundles, run the worked example
#   make test       every test (unit, CLI, golden; full-data tests when ../shared/data exists)
#   make asan       the tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make fuzz       each fuzz target for FUZZ_SECONDS (clang libFuzzer)
#   make bench      benchmarks -> bench/RESULTS.md
#   make bundles    fetch release files and compile the bundles
#
# Modules are discovered: src/<module>/*.c go into the library, tools/medcode/*.c
# into the CLI, tests/unit/test_*.c become test programs, fuzz/fuzz_*.c fuzz
# targets, bench/bench_*.c benchmarks. Commands (MC_COMMAND) and bundle parts
# (MC_BUILD_PART) are collected from the sources into build/gen/.

BUILD    ?= build
CC       ?= cc
OPT      ?= -O2 -g
SAN      ?=
WARN     := -std=c17 -Wall -Wextra -Wpedantic -Werror -Wshadow -Wconversion \
            -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla \
            $(if $(findstring clang,$(CC)),,-Wno-format-truncation)
CPPFLAGS := -Iinclude -Isrc -I$(BUILD)/gen -D_GNU_SOURCE -I/usr/include/libstemmer
CFLAGS   := $(OPT) $(WARN) $(SAN) -fvisibility=hidden -fPIC -MMD -MP
LDLIBS   := -lexpat -ljansson -lpcre2-8 -lxxhash -lstemmer -lutf8proc -lsqlite3 -lsodium -lm -lpthread
LDFLAGS  := $(SAN)

LIB_SRC   := $(sort $(wildcard src/*/*.c))
CLI_SRC   := $(sort $(wildcard tools/medcode/*.c))
TEST_SRC  := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRC  := $(sort $(wildcard fuzz/fuzz_*.c))
BENCH_SRC := $(sort $(wildcard bench/bench_*.c))

LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ   := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
TEST_BIN  := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
LIB       := $(BUILD)/libmedcode.a
SHLIB     := $(BUILD)/libmedcode.so
MEDCODE   := $(BUILD)/medcode
GEN       := $(BUILD)/gen/parts.inc $(BUILD)/gen/commands.inc

.PHONY: all run test unit asan valgrind fuzz bench bundles format format-check compdb clean
all: $(MEDCODE) $(LIB) $(SHLIB)

# ---- generated registries ----
$(BUILD)/gen/parts.inc: $(LIB_SRC) | $(BUILD)/gen
	@sed -n 's/^MC_BUILD_PART(\([a-z0-9_]*\), *\([0-9]\)).*/X(\1, \2)/p' $(LIB_SRC) /dev/null > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(BUILD)/gen/commands.inc: $(CLI_SRC) | $(BUILD)/gen
	@sed -n 's/^MC_COMMAND(\([a-z0-9_]*\), *\(".*"\)).*/X(\1, \2)/p' $(CLI_SRC) /dev/null | sort > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(BUILD)/gen:
	@mkdir -p $@

# ---- de-identification word lists, compiled into the library ----
DEID_LISTS := $(sort $(wildcard data/deid/*.txt))
$(BUILD)/gen/deid_lists.inc: $(DEID_LISTS) scripts/gen-deid-lists.sh | $(BUILD)/gen
	@scripts/gen-deid-lists.sh $(DEID_LISTS) > $@.tmp && mv $@.tmp $@
$(BUILD)/obj/src/deid/lists.o: $(BUILD)/gen/deid_lists.inc

# ---- objects ----
$(BUILD)/obj/%.o: %.c $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# the shared library exports only the MC_API functions of include/medcode/
$(SHLIB): $(LIB_OBJ)
	$(CC) $(LDFLAGS) -shared -o $@ $(LIB_OBJ) $(LDLIBS)

$(MEDCODE): $(CLI_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/harness.h $(LIB) $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Itests/unit -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/bench/%: bench/%.c $(LIB) $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -O3 -o $@ $< $(LIB) $(LDLIBS)

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)

# ---- data ----
MIRROR ?= $(if $(MEDCODE_MIRROR),$(MEDCODE_MIRROR),../shared/data)
bundles: $(MEDCODE)
	@if [ -d "$(MIRROR)" ] || [ -n "$(MEDCODE_DOWNLOAD)" ]; then \
	  MEDCODE_MIRROR=$(MIRROR) $(MEDCODE) data fetch $(if $(MEDCODE_DOWNLOAD),--download) && \
	  $(MEDCODE) build --if-stale; \
	else echo "no mirror at $(MIRROR) and MEDCODE_DOWNLOAD unset: cannot obtain release files" >&2; exit 2; fi

run:
	@scripts/install-deps.sh
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory bundles
	@scripts/example.sh $(MEDCODE)

# ---- tests ----
unit: $(TEST_BIN) $(MEDCODE)
test: unit
	@MEDCODE=$(MEDCODE) BUILD=$(BUILD) MIRROR=$(MIRROR) scripts/run-tests.sh $(TEST_BIN)

asan:
	@$(MAKE) --no-print-directory BUILD=build/asan OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" test

valgrind: unit
	@MEDCODE_VALGRIND=1 MEDCODE=$(MEDCODE) BUILD=$(BUILD) MIRROR=$(MIRROR) scripts/run-tests.sh $(TEST_BIN)

FUZZ_SECONDS ?= 20
fuzz:
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang OPT="-O1 -g" \
	  SAN="-fsanitize=fuzzer-no-link,address,undefined" build/fuzz/libmedcode.a build/fuzz/gen/parts.inc
	@scripts/fuzz.sh build/fuzz $(FUZZ_SECONDS) $(FUZZ_SRC)

bench: $(BENCH_BIN) $(MEDCODE)
	@MEDCODE=$(MEDCODE) BUILD=$(BUILD) scripts/bench.sh $(BENCH_BIN)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')
format-check:
	clang-format --dry-run -Werror $$(git ls-files '*.c' '*.h')
compdb:
	bear -- $(MAKE) -B all

clean:
	rm -rf build
