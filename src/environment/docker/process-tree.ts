/**
 * A POSIX sh script, run with `docker exec`, that SIGKILLs every descendant of a process. It reads
 * /proc directly because the kernel here lacks /proc/<pid>/task/<tid>/children and instance
 * images need not have procps. `$1` is the root pid, `$2` is 1 to kill the root as well.
 */
export const KILL_PROCESS_TREE_SCRIPT = `
root=$1 kill_root=$2
for stat in /proc/[0-9]*/stat; do
  line=$(cat "$stat" 2>/dev/null) || continue
  pid=\${stat#/proc/}; pid=\${pid%/stat}
  rest=\${line##*) }
  set -- $rest
  echo "$pid $2"
done | awk -v root="$root" -v self="$kill_root" '
  { parent[$1] = $2 }
  END {
    tree[root] = 1
    do { grew = 0; for (p in parent) if (!(p in tree) && (parent[p] in tree)) { tree[p] = 1; grew = 1 } } while (grew)
    for (p in tree) if (p != root || self == 1) print p
  }' | while read -r victim; do kill -KILL "$victim" 2>/dev/null; done
true
`;
