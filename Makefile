# fount: build, test, benchmark. `make check` installs what it needs (scripts/bootstrap) and runs
# every test; `make run` builds and loads the demo profile into SQLite.
#   make WERROR=1            warnings are errors (CI)
#   make asan / make tsan    the suite under AddressSanitizer+UBSan / ThreadSanitizer
#   make O=dir               build into dir (default build/)

CFLAGS ?= -O2 -g
WARN = -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wformat=2 -Wpointer-arith \
       -Wcast-align -Wvla
WARN += $(if $(WERROR),-Werror)
O ?= build
ifneq ($(SANITIZE),)
  CFLAGS  += -O1 -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
  LDFLAGS += -fsanitize=$(SANITIZE)
endif

PKGS = libcjson sqlite3 $(if $(wildcard sinks/pgsql.c),libpq) $(if $(wildcard sinks/mysql.c),libmariadb) \
       $(if $(wildcard sinks/http/http.c),libcurl zlib) $(if $(wildcard sinks/kafka.c),rdkafka)
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CPPFLAGS += -D_GNU_SOURCE $(if $(wildcard sinks/sqlite.c),-DFOUNT_WITH_SQLITE) $(PKG_CFLAGS)
CPPFLAGS += $(if $(wildcard sinks/pgsql.c),-DFOUNT_WITH_PGSQL) $(if $(wildcard sinks/mysql.c),-DFOUNT_WITH_MYSQL)
CPPFLAGS += $(if $(wildcard sinks/http/http.c),-DFOUNT_WITH_HTTP)
CPPFLAGS += $(if $(wildcard sinks/kafka.c),-DFOUNT_WITH_KAFKA)
LDLIBS += $(PKG_LIBS) -lpthread -lm

LIB_SRCS = $(filter-out generator/main.c,$(wildcard generator/*.c)) $(wildcard generator/ext/*.c) \
           $(wildcard generator/data/*.c) $(wildcard sinks/*.c) $(wildcard sinks/http/*.c)
LIB_OBJS = $(LIB_SRCS:%.c=$(O)/%.o)
UNIT_SRCS = $(wildcard tests/unit/test_*.c)
UNIT_BINS = $(UNIT_SRCS:tests/unit/%.c=$(O)/tests/%)
FOUNT = $(O)/fount

.PHONY: all run check check-all test test-unit test-e2e test-profiles asan tsan bench golden docs \
        clean bootstrap
all: fount

fount: $(FOUNT)
	@# a rename, not cp: a running ./fount would make cp fail with "Text file busy"
	@if [ "$(O)" = build ]; then cp $(FOUNT) fount.tmp && mv -f fount.tmp fount; fi

$(FOUNT): $(O)/generator/main.o $(O)/libfount.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(O)/libfount.a: $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -MMD -MP -c -o $@ $<

$(O)/tests/%: tests/unit/%.c $(O)/libfount.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -Igenerator -Isinks -o $@ $< $(O)/libfount.a \
	  $(LDFLAGS) $(LDLIBS) -lcriterion

# Programs the end-to-end tests start (test servers, proxies): tests/helpers/NAME.c, linked with
# HELPER_LIBS_NAME besides the usual libraries. http-receiver needs libmicrohttpd (tests only).
TEST_HELPERS = $(patsubst tests/helpers/%.c,$(O)/tests/helpers/%,$(wildcard tests/helpers/*.c))
HELPER_LIBS_http-receiver = $(O)/libfount.a $$(pkg-config --libs libmicrohttpd) -lz

$(O)/tests/helpers/%: tests/helpers/%.c $(O)/libfount.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(HELPER_LIBS_$*) $(LDFLAGS) $(LDLIBS)

# The benchmarks' references: a bare libcurl-multi loop, a minimal librdkafka producer.
BENCH_REFS = $(if $(wildcard sinks/http/http.c),$(O)/tests/http-ref) \
             $(if $(wildcard sinks/kafka.c),$(O)/tests/kafka-ref)

$(O)/tests/http-ref: scripts/http-ref.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(LDFLAGS) -lcurl

$(O)/tests/kafka-ref: scripts/kafka-ref.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(LDFLAGS) -lrdkafka

bootstrap:
	scripts/bootstrap

# The README's commands: each installs what it needs first.
run: bootstrap
	$(MAKE) all
	./fount run profiles/shop.json --to sqlite:shop.db --replace
	@echo "open it with: sqlite3 shop.db 'SELECT * FROM orders LIMIT 5'"

check: bootstrap
	$(MAKE) check-all

check-all: all test asan

test: test-unit test-profiles test-e2e

# every test binary runs, then the target fails if any did
test-unit: $(UNIT_BINS)
	@failed=""; for t in $(UNIT_BINS); do echo "== $$t"; $$t --jobs=2 || failed="$$failed $$t"; \
	done; if [ -n "$$failed" ]; then echo "failed:$$failed"; exit 1; fi

test-profiles: fount
	@set -e; for p in profiles/*.json; do $(FOUNT) check $$p >/dev/null; echo "ok $$p"; done

test-e2e: fount $(TEST_HELPERS)
	FOUNT=$(abspath $(FOUNT)) HELPERS=$(abspath $(O)/tests/helpers) bats tests/e2e

asan:
	$(MAKE) O=build/asan SANITIZE=address,undefined test-unit test-e2e

# The test programs stay uninstrumented here: they are fixtures, and librdkafka's mock cluster
# (kafka-mock), built without TSan, crashes in a TSan process. kafka.bats is left out: librdkafka
# starts its threads with C11 thrd_create, which Debian 12's gcc TSan runtime does not intercept,
# so a TSan fount crashes in TSan's allocator on librdkafka's first broker thread (a runtime
# limit, not a race: kafka.bats runs in the normal and ASan builds, make check).
TSAN_E2E = $(filter-out tests/e2e/kafka.bats,$(wildcard tests/e2e/*.bats))

tsan: $(TEST_HELPERS)
	$(MAKE) O=build/tsan SANITIZE=thread fount
	@echo "tsan: tests/e2e/kafka.bats is left out (librdkafka's thrd_create threads; see the Makefile)"
	FOUNT=$(abspath build/tsan/fount) HELPERS=$(abspath $(O)/tests/helpers) bats $(TSAN_E2E)

bench: fount $(TEST_HELPERS) $(BENCH_REFS)
	scripts/bench.sh $(abspath $(FOUNT))

# docs/*.md from docs/src/*.md.in, re-running every example they show (needs python3)
docs: fount
	scripts/render-docs.sh

golden: fount
	scripts/golden.sh $(abspath $(FOUNT)) update
	scripts/golden-values.sh $(abspath $(FOUNT)) update

clean:
	rm -rf build fount

# registry.c lists the optional sinks under flags that follow which sources exist: rebuild it
# when one appears or goes.
$(O)/sinks/registry.o: $(wildcard sinks/sqlite.c sinks/pgsql.c sinks/mysql.c sinks/http/http.c sinks/kafka.c)

-include $(LIB_OBJS:.o=.d) $(O)/generator/main.d
