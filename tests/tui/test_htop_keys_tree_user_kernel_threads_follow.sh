#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# htop's keys mean what they mean in htop. t shows the tree: a parent's
# two children right under it with tree lines; - collapses it (its row
# marked, its children gone), + opens it, F5 goes back to the list. u
# opens a list of users and choosing nobody leaves only nobody's
# processes; u again, "all users", brings everyone back. K hides kernel
# threads and shows them again. F follows the selected process through a
# re-sort (k's menu names what is selected). The help lists every key.
. "$(dirname "$0")/lib.sh"
need_basics
id nobody >/dev/null 2>&1 || skip "no user nobody"
command -v setpriv >/dev/null || skip "no setpriv (util-linux)"

# Names of their own: a process's name is its program's file name.
chmod 755 "$scratch"
par=ritp$(($$ % 10000)) kid=ritc$(($$ % 10000)) nob=rinb$(($$ % 10000))
cp "$(command -v bash)" "$scratch/$par"
cp "$(command -v sleep)" "$scratch/$kid"
cp "$(command -v sleep)" "$scratch/$nob"
"$scratch/$par" -c "'$scratch/$kid' 120 & '$scratch/$kid' 121 & wait" &
WL_PIDS+=($!)
ppid=$!
setpriv --reuid=nobody --regid=nogroup --clear-groups "$scratch/$nob" 120 &
WL_PIDS+=($!)
start_tool 160 50 -- -d 0.5
wait_for 'PID USER' 15 || fail "tool did not start"

# t: the tree (filtered to our processes: the machine has many).
keys '\' r i t Enter
wait_for 'filter: rit' 5 || fail "filter not applied"
keys t
wait_for 'tree \(t: list\)' 5 || fail "t did not switch to the tree"
# The children right under the parent, in $SCREEN: prints how many.
under() {
	awk -v p="$par" -v k="$kid" '
		index($0, " " p) { f = 1; next }
		f && n < 2 { if ($0 ~ ("(├─|└─) " k)) n++; else exit }
		END { print n + 0 }' <<<"$SCREEN"
}
two_under() { [ "$(under)" -eq 2 ]; }
wait_until 5 two_under ||
	fail "the tree does not show $par's two children under it ($(under))"
keys / "$par" Enter
wait_gone 'Search: ' 5 || fail "search prompt did not close"
keys -
wait_for "▸$par" 5 || fail "- did not collapse $par"
wait_gone "(├─|└─) $kid" 5 || fail "collapsed, the children are still listed"
keys +
wait_for "(├─|└─) $kid" 5 || fail "+ did not open $par again"
keys F5
wait_for 'view: list' 5 || fail "F5 did not go back to the list"
keys Escape
wait_gone 'filter: rit' 5 || fail "Esc did not clear the filter"

# u: nobody's processes only, then everyone's.
keys u
wait_for 'Show the processes of:' 5 || fail "u opened no list of users"
wait_for '^ +  nobody ' 5 || fail "nobody is not in the list of users"
line=$(grep -nE '^ +  nobody ' <<<"$SCREEN" | head -n 1 | cut -d: -f1)
first=$(grep -nE '^ +  all users' <<<"$SCREEN" | head -n 1 | cut -d: -f1)
[ -n "$line" ] && [ -n "$first" ] || fail "nobody is not in the list of users"
for ((i = first; i < line; i++)); do keys Down; done
keys Enter
wait_for 'showing the processes of nobody' 5 || fail "choosing nobody gave no feedback"
# The users of the table's rows in $SCREEN, one a line.
users() { awk '/^ +PID +USER/ { f = 1; next } f && /^ +[0-9]+ / { print $2 }' <<<"$SCREEN" | sort -u; }
only_nobody() { [ "$(users)" = nobody ]; }
wait_until 5 only_nobody || fail "u nobody left users: $(echo $(users))"
wait_for "$nob" 5 || fail "nobody's $nob is not listed"
keys u
wait_for 'Show the processes of:' 5 || fail "u did not open the list again"
keys Home Enter
wait_for "showing every user's processes" 5 || fail "all users gave no feedback"
root_back() { users | grep -qx root; }
wait_until 5 root_back || fail "root's processes did not come back"

# K: kernel threads hidden, then shown.
keys N Home
wait_for 'kthreadd' 5 || fail "kthreadd is not listed to begin with"
keys K
wait_for 'kernel threads hidden' 5 || fail "K gave no feedback"
wait_gone 'kthreadd' 5 || fail "K did not hide kernel threads"
keys K
wait_for 'kthreadd' 5 || fail "K did not show kernel threads again"

# F: the cursor stays on the process through a re-sort.
keys / "$par" Enter
wait_gone 'Search: ' 5 || fail "search prompt did not close"
keys F
wait_for "following $ppid" 5 || fail "F did not follow $ppid"
keys I
wait_for 'sorted by .* \(inverted\)' 5 || fail "I did not invert the sort"
# Refreshes after the re-sort: following must outlast them too.
wait_clock 2 || fail "the tool did not refresh after the re-sort"
keys k
wait_for "Send signal to $ppid $par" 5 || fail "after a re-sort the cursor left $par"
# Escape alone, not read with the next key as one sequence.
keys Escape
wait_gone 'Send signal to' 5 || fail "Escape did not close the signal list"
keys F
wait_for "no longer following $ppid" 5 || fail "F again did not stop following"

# The help lists every key: its pages, read one after the other until
# the last line of the help, each once NPage has brought it.
keys '?'
wait_for 'resource_image help' 5 || fail "? did not open the help"
settle || fail "help: the screen never settled"
all=$SCREEN
pages=1
page_turned() { [ "$(sed -n 3p <<<"$SCREEN")" != "$top" ]; }
while ! grep -q 'delete a character / the line' <<<"$all"; do
	[ "$pages" -lt 10 ] || fail "help: no last line after $pages pages"
	top=$(sed -n 3p <<<"$all")
	keys NPage
	wait_until 5 page_turned || fail "help: NPage did not turn page $pages"
	settle || fail "help: page $((pages + 1)) never settled"
	all+=$'\n'$SCREEN
	pages=$((pages + 1))
done
for k in 't F5' 'k F9' 'F7 F8' 'F2 S' 'F6'; do
	grep -qE "^ +$k " <<<"$all" || fail "help lacks '$k'"
done
for k in u K F c f C H p Enter; do
	grep -qE "^ +$k( |$)" <<<"$all" || fail "help lacks key '$k'"
done
pass "tree under the parent, collapse and open, u nobody, K, F through a re-sort, help"
