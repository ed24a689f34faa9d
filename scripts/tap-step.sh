# SPDX-License-Identifier: GPL-2.0
#
# Sourced by check.sh and check-debug.sh.  step NAME COMMAND...: run
# COMMAND, keep its output in $res/static/NAME.log and record one TAP
# result in $res/static/NAME.tap; on failure show the log's tail, prefixed
# with $step_prefix.  Returns COMMAND's success.

step() {
	local name=$1 log="$res/static/$1.log"
	shift
	echo "$step_prefix: $name"
	if "$@" >"$log" 2>&1; then
		printf 'TAP version 13\n1..1\nok 1 %s\n' "$name" >"$res/static/$name.tap"
		return 0
	fi
	{ printf 'TAP version 13\n1..1\nnot ok 1 %s\n' "$name"
	  tail -n 40 "$log" | sed 's/^/# /'; } >"$res/static/$name.tap"
	tail -n 20 "$log" | sed "s/^/$step_prefix: $name | /"
	return 1
}
