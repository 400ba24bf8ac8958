# Byline: one plain Makefile.
#
#   make            build ./byline
#   make test       build, then run every test (unit, spec, request)
#   make check      the same tests against an ASan+UBSan build (request tests on SQLite)
#   make bench      the benchmark (bench/run.sh), writes bench/RESULTS.md
#   make fuzz       each libFuzzer target for FUZZ_SECONDS (tests/fuzz/run.sh)
#   make clean

CC      ?= cc
BUILD   ?= build
PKGS    := sqlite3 libpq md4c libsodium libcurl zlib libbrotlienc libxml-2.0 vips hunspell
OPT     ?= -O2
WERROR  ?= -Werror
SAN     ?=
CFLAGS  := -std=c17 $(OPT) -g -Wall -Wextra -Wshadow $(WERROR) -D_GNU_SOURCE \
           -Isrc $(shell pkg-config --cflags $(PKGS)) $(SAN)
LDLIBS  := $(shell pkg-config --libs $(PKGS)) -lpthread -lm
LDFLAGS := $(SAN)

LIB_SRC := $(sort $(wildcard src/core/*.c src/http/*.c src/db/*.c src/render/*.c \
                              src/model/*.c src/web/*.c src/cli/*.c))
ASSETS  := $(sort $(wildcard templates/*.mustache static/* po/*.po))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/assets.o
LIB     := $(BUILD)/libbyline.a
BIN     := $(BUILD)/byline
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TEST_SUPPORT := $(wildcard tests/unit/support/*.c)

.PHONY: all test check bench clean fuzz
all: byline

byline: $(BIN)
	cp $(BIN) byline.tmp && mv -f byline.tmp byline

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/gen/assets.c: $(ASSETS) tools/embed.sh
	@mkdir -p $(dir $@)
	sh tools/embed.sh $(ASSETS) > $@

$(BUILD)/gen/assets.o: $(BUILD)/gen/assets.c
	$(CC) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(BUILD)/src/main.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(TEST_SUPPORT) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(TEST_SUPPORT) $(LIB) $(LDLIBS)

test: $(BIN) $(TEST_BIN)
	BYLINE_BIN=$(abspath $(BIN)) BUILD=$(BUILD) BYLINE_SANITIZED=$(SANITIZED) sh tests/run.sh

# The sanitizers' pass runs the request tests on SQLite only (the request-pg
# pass is one skip there): the PostgreSQL backend is still run under them by
# the tests that start a cluster of their own (test_postgresql, test_multinode,
# test_leader, test_pg_statements, test_copydb, test_pg_workers, test_pg_grace,
# test_pg_page_reads, test_pg_comment_trips, test_db_pg), and CI's time stays
# well under its limit.
check:
	BYLINE_PG_PASS=0 $(MAKE) --no-print-directory BUILD=build/san OPT=-O1 SANITIZED=1 \
	  SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" test

$(BUILD)/bench/gensite: bench/gensite.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/bench/image_bench: bench/image_bench.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIB) $(LDLIBS)

bench: byline $(BUILD)/bench/gensite
	GENSITE=$(abspath $(BUILD)/bench/gensite) sh bench/run.sh

# Fuzzing (tests/fuzz/).  `make test` replays every saved input through
# test_fuzz_replay; `make fuzz` builds the library and one libFuzzer binary
# per tests/fuzz/fuzz_<target>.c with clang, then runs each target.
FUZZ_CC      ?= clang-14
FUZZ_SECONDS ?= 60
FUZZ_JOBS    ?= 1
FUZZ_SRC     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TARGETS ?= $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
FUZZ_DEPS    := tests/fuzz/support.c tests/fuzz/fuzz.h $(LIB)
FUZZ_LINK    := tests/fuzz/support.c $(LIB) $(LDLIBS) -Wl,--wrap=http_header

test: $(BUILD)/tests/test_fuzz_replay

$(BUILD)/tests/test_fuzz_replay: tests/fuzz/replay.c $(FUZZ_SRC) $(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/fuzz -o $@ tests/fuzz/replay.c $(FUZZ_SRC) $(FUZZ_LINK)

$(BUILD)/fuzzers/%: tests/fuzz/fuzz_%.c $(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DFUZZ_LIBFUZZER -fsanitize=fuzzer -Itests/fuzz -o $@ $< $(FUZZ_LINK)

fuzz:
	$(MAKE) BUILD=build/fuzz CC=$(FUZZ_CC) OPT=-O1 WERROR= \
	  SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  $(FUZZ_TARGETS:%=build/fuzz/fuzzers/%)
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) sh tests/fuzz/run.sh build/fuzz $(FUZZ_TARGETS)

clean:
	rm -rf build byline

-include $(LIB_OBJ:.o=.d) $(BUILD)/src/main.d
