#!/bin/sh
# The newcomer path: from a machine with only Node and npm, set everything up, then run one task.
#   sh scripts/run.sh demo   -> install, build, run the two-facility demo
#   sh scripts/run.sh test   -> install, build, install Debian's chromium if missing, run every test
set -eu
cd "$(dirname "$0")/.."
task=${1:-demo}
PNPM_VERSION=12.4.2

say() { printf '==> %s\n' "$*" >&2; }

# pnpm, exactly the pinned version (corepack and version switching fail here: no registry signatures).
has_pnpm() { [ "$(pnpm --version 2>/dev/null || true)" = "$PNPM_VERSION" ]; }
if ! has_pnpm; then
  say "installing pnpm $PNPM_VERSION"
  npm install --global --silent "pnpm@$PNPM_VERSION" >/dev/null 2>&1 || true
  if ! has_pnpm; then
    # No permission for a global install, or npm's global bin is not on the PATH:
    # keep a private copy inside the checkout.
    npm install --silent --no-save --prefix .tools "pnpm@$PNPM_VERSION" >/dev/null
    PATH="$PWD/.tools/node_modules/.bin:$PATH"
    export PATH
    has_pnpm || { echo "could not install pnpm $PNPM_VERSION" >&2; exit 1; }
  fi
fi

say "installing dependencies"
pnpm install --frozen-lockfile --reporter=silent

say "building"
pnpm run --silent build >/dev/null

case "$task" in
  demo)
    exec node packages/node/dist/demo.js
    ;;
  test)
    if [ ! -x /usr/bin/chromium ]; then
      if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "installing Debian's chromium for the browser tests (about a minute)"
        # fonts-lohit-deva: a small Devanagari font, so the Hindi screens' screenshots are legible.
        apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-lohit-deva >/dev/null
      else
        say "chromium is missing and cannot be installed without root: the browser tests will fail"
      fi
    fi
    exec node scripts/test-all.mjs
    ;;
  *)
    echo "usage: sh scripts/run.sh demo|test" >&2
    exit 2
    ;;
esac
