#!/bin/sh
# Lays out what the mapc job image holds, from a repository whose build/ is built:
#   package.json, package-lock.json   the package ("type": "module") and its locked versions
#   bin/mapc.js                       the `mapc` command
#   build/{api,bin,compiler,grammar,runtime}/   the compiled JavaScript (no tests, benchmarks,
#                                     examples, deploy code, type declarations or source maps)
#   plans/<mapping>.plan.json         every mappings/*.map, checked together and compiled
#   node_modules/                     production dependencies only (npm ci --omit=dev)
# The Dockerfile's build stage runs it, and so does the image layout test
# (test/deploy/image-layout.test.ts), which then runs `mapc job` from the folder: the image
# holds these files and nothing else.
#
# usage: stage-image.sh REPOSITORY DESTINATION
set -eu
repo=$1
dest=$2
cd "$repo"
if [ ! -f build/bin/cli/main.js ]; then
  echo "stage-image.sh: $repo/build is not built: run npm run build (or npx tsc) first" >&2
  exit 2
fi
mkdir -p "$dest/bin" "$dest/build" "$dest/plans"
cp package.json package-lock.json "$dest/"
cp bin/mapc.js "$dest/bin/"
for part in api bin compiler grammar runtime; do
  cp -R "build/$part" "$dest/build/"
done
find "$dest/build" -type f \( -name '*.d.ts' -o -name '*.map' \) -delete
# The plans the job runs: compiled here so that a mapping that does not compile fails the
# image build, not the job at night. Mappings are checked against each other on the way.
node bin/mapc.js compile mappings/*.map --out-dir "$dest/plans"
cd "$dest"
npm ci --omit=dev --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error
