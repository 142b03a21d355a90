#!/usr/bin/env bash
# Build the warm veraPDF server (verapdf/pom.xml, veraPDF from Maven Central) into
# verapdf/build/: our jar plus lib/*.jar. Nothing is fetched at run time.
#
# - Installs Debian's default-jre-headless and maven when java/mvn are missing.
# - Skips the build when verapdf/build is newer than the pom and the Java sources.
# - Without Java or Maven (or when the build fails) it says so and exits 0, so the product
#   keeps working on the built-in PDF/A validator ("veraPDF not run"); with CI=true any
#   failure is fatal.
set -uo pipefail
cd "$(dirname "$0")/.."
project=verapdf
out=$project/build
jar=$out/verapdf-server.jar

fail() {
  echo "build-verapdf: $*" >&2
  if [ "${CI:-}" = true ]; then
    echo "build-verapdf: CI=true, a missing veraPDF is an error" >&2
    exit 1
  fi
  echo "build-verapdf: veraPDF NOT installed; PDF/A is checked by the built-in validator only" >&2
  exit 0
}

up_to_date() {
  [ -f "$jar" ] && [ -d "$out/lib" ] || return 1
  [ -z "$(find "$project/pom.xml" "$project/src" -newer "$jar" -print -quit)" ]
}

if up_to_date; then
  exit 0
fi

missing=()
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
# Maven needs a JDK (javac); Debian's maven package pulls one in
{ command -v mvn >/dev/null 2>&1 && command -v javac >/dev/null 2>&1; } || missing+=(maven default-jdk-headless)
if [ ${#missing[@]} -gt 0 ]; then
  echo "build-verapdf: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq || fail "apt-get update failed"
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || fail "cannot install ${missing[*]} (apt-get install failed)"
fi
command -v java >/dev/null 2>&1 || fail "java not found after install"
command -v mvn >/dev/null 2>&1 || fail "mvn not found after install"

echo "build-verapdf: building $jar (veraPDF $(sed -n 's:.*<verapdf.version>\(.*\)</verapdf.version>.*:\1:p' $project/pom.xml))"
rm -rf "$out"
# -q -B: quiet, no colours or progress bars; the output folder is in .gitignore
if ! mvn -q -B -Dstyle.color=never -f "$project/pom.xml" package; then
  rm -rf "$out"
  fail "Maven build failed (see above)"
fi
touch "$jar"
echo "build-verapdf: done ($(ls "$out/lib" | wc -l) library jars)"
