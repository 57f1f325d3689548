/**
 * Golden cases for SWE-ReX's multi-line split. Each expected value is what SWE-ReX's
 * `_split_bash_command` (swerex/runtime/local.py, SWE-agent/SWE-ReX@5c995c3) returned when run with
 * bashlex itself (idank/bashlex@3f6b76c); `null` means bashlex raised and SWE-ReX falls back to the
 * raw text. SWE-ReX types `parts.join(' ; ')` into the shell.
 */
import { describe, expect, it } from 'vitest';
import { FALLBACK_UNIQUE_STRING, shellInputFor, splitBashCommand } from '../../../src/environment/bash-split.js';

const BASHLEX_SPLITS: Array<[string, string[] | null]> = [
  ["echo a\necho b", ["echo a", "echo b"]],
  ["echo a &\necho b", ["echo a &", "echo b"]],
  ["echo a &", ["echo a &"]],
  ["echo a;\necho b", ["echo a;", "echo b"]],
  ["echo a; echo b\necho c", ["echo a; echo b", "echo c"]],
  ["# c1\necho a # trailing\n# c2\necho b", ["echo a", "echo b"]],
  ["# only\n  # comments", []],
  ["", []],
  ["   ", []],
  ["echo a \\\n  b", ["echo a \\\n  b"]],
  ["cat <<EOF > f.py\nline1\nline2\nEOF\necho done", ["cat <<EOF > f.py", "echo done"]],
  ["cat << 'EOF'\n$x\nEOF", null],
  ["cat <<-EOF\n\tx\n\tEOF\nls", ["cat <<-EOF\n\tx\n\tEOF", "ls"]],
  ["for i in 1 2; do\n  echo $i\ndone\necho end", ["for i in 1 2; do\n  echo $i\ndone", "echo end"]],
  ["if true; then\n echo y\nfi", ["if true; then\n echo y\nfi"]],
  ["f() { echo hi; }\nf", ["f() { echo hi; }", "f"]],
  ["echo $(echo a\necho b)", ["echo $(echo a\necho b)"]],
  ["(cd /tmp && ls)\npwd", ["(cd /tmp && ls)", "pwd"]],
  ["x=1\necho $x", ["x=1", "echo $x"]],
  ["echo 'a\nb'\necho c", ["echo 'a\nb'", "echo c"]],
  ["echo \"a!b\"", ["echo \"a!b\""]],
  ["python -c 'print(1)' && echo ok || echo no\necho z", ["python -c 'print(1)' && echo ok || echo no", "echo z"]],
  ["echo a | grep a\n\necho b", ["echo a | grep a", "echo b"]],
  ["[[ -f x ]] && echo y", null],
  ["(( i = 1 + 2 ))\necho $i", ["(( i = 1 + 2 ))", "echo $i"]],
  ["case $x in a) echo a;; *) echo b;; esac\necho c", ["case $x in a) echo a;; *) echo b;; esac", "echo c"]],
  ["while read l; do echo $l; done < f\necho x", ["while read l; do echo $l; done < f", "echo x"]],
  ["echo a && \\\necho b", ["echo a && \\\necho b"]],
  ["echo a &&\necho b", ["echo a &&\necho b"]],
  ["echo a |\ngrep a", ["echo a |\ngrep a"]],
  ["export A=1; cd /testbed\nls -la", ["export A=1; cd /testbed", "ls -la"]],
  ["echo ${x:-y}\necho ${#x}", ["echo ${x:-y}", "echo ${#x}"]],
  ["echo $((1+2))", null],
  ["function g { echo g; }\ng", ["function g { echo g; }", "g"]],
  ["sleep 10 & echo started\necho b", ["sleep 10 & echo started", "echo b"]],
  ["echo a # comment with ' quote\necho b", ["echo a", "echo b"]],
  ["echo a\t b", ["echo a\t b"]],
  ["cd /testbed && python -m pytest tests/ -x -q 2>&1 | tail -20", ["cd /testbed && python -m pytest tests/ -x -q 2>&1 | tail -20"]],
  ["git diff > /tmp/x.diff\n", ["git diff > /tmp/x.diff"]],
  ["   echo lead\n\n   echo trail   ", ["echo lead", "echo trail"]],
  ["echo a >&2\necho b 2>&1", ["echo a >&2", "echo b 2>&1"]],
  ["echo {a,b}\necho ~", ["echo {a,b}", "echo ~"]],
  ["time ls\necho x", null],
  ["! true\necho $?", ["! true", "echo $?"]],
  ["echo a;; echo b", null],
  ["if x; then y", null],
  ["echo `date`\necho b", ["echo `date`", "echo b"]],
  ["declare -A m=([a]=1)\necho ${m[a]}", null],
  ["echo $'a\\nb'\necho c", ["echo $'a\\nb'", "echo c"]],
  ["coproc cat\necho x", null],
  ["select x in a; do break; done", null],
  ["echo a >| f\necho b", ["echo a >| f", "echo b"]],
  ["echo hi > >(cat)\necho b", ["echo hi > >(cat)", "echo b"]],
  ["diff <(ls) <(ls)\necho b", ["diff <(ls) <(ls)", "echo b"]],
  ["cat <<EOF > f.py\nline1\nEOF", ["cat <<EOF > f.py"]],
  ["cat > f.py <<EOF\nline1\nEOF", ["cat > f.py <<EOF\nline1\nEOF"]],
  ["cat > f.py << 'EOF'\nline1\nEOF", null],
  ["cat > f.py << \"EOF\"\nline1\nEOF\necho b", null],
  ["cat > f.py <<'EOF'\nline1\nEOF\npython f.py", null],
  ["cat <<EOF\na\nEOF\necho b", ["cat <<EOF\na\nEOF", "echo b"]],
  ["cat <<EOF | grep a\na\nEOF\necho b", ["cat <<EOF | grep a", "echo b"]],
  ["python - <<EOF\nprint(1)\nEOF\necho b", ["python - <<EOF\nprint(1)\nEOF", "echo b"]],
  ["cat <<EOF > f.py && python f.py\nprint(1)\nEOF", ["cat <<EOF > f.py && python f.py"]],
  ["echo x\ncat <<EOF\na\nEOF", ["echo x", "cat <<EOF\na\nEOF"]],
  ["cat <<EOF\na\nEOF\n", ["cat <<EOF\na\nEOF"]],
  ["cat <<-EOF\n\tx\n\tEOF", ["cat <<-EOF\n\tx\n\tEOF"]],
  ["cat <<EOF >f\nx\nEOF\necho 1\necho 2", ["cat <<EOF >f", "echo 1", "echo 2"]],
  ["cat > f << EOF\nx\nEOF\n\necho b", ["cat > f << EOF\nx\nEOF", "echo b"]],
  ["cat <<END\nx\nEND\nls", ["cat <<END\nx\nEND", "ls"]],
  ["echo \"$((1+2))\"", null],
  ["echo '$((1))'", ["echo '$((1))'"]],
  ["x=$(echo $((1)))", null],
  ["echo a &> f\necho b", ["echo a &> f", "echo b"]],
  ["echo a |& cat\necho b", ["echo a |& cat", "echo b"]],
  ["cat <<< 'hi'\necho b", ["cat <<< 'hi'", "echo b"]],
  ["echo $[1+2]", null],
  ["echo ${x:0:2}", ["echo ${x:0:2}"]],
  ["if [[ -f x ]]; then echo; fi", null],
  ["f() {\n  echo a\n}\nf", ["f() {\n  echo a\n}", "f"]],
  ["{ echo a; echo b; } > f\ncat f", ["{ echo a; echo b; } > f", "cat f"]],
  ["for f in *.py; do echo $f; done", ["for f in *.py; do echo $f; done"]],
  ["find . -name '*.py' | xargs grep -l foo", ["find . -name '*.py' | xargs grep -l foo"]],
  ["echo $(cat <<EOF\nhi\nEOF\n)", ["echo $(cat <<EOF\nhi\nEOF\n)"]],
  ["echo $(echo a; echo b) && echo c\necho d", ["echo $(echo a; echo b) && echo c", "echo d"]],
  ["echo `echo a\necho b`\necho c", ["echo `echo a\necho b`", "echo c"]],
  ["while IFS= read -r line; do echo \"$line\"; done < f\necho z", ["while IFS= read -r line; do echo \"$line\"; done < f", "echo z"]],
  ["let i++\necho $i", ["let i++", "echo $i"]],
  ["echo {1..5}", ["echo {1..5}"]],
  ["trap 'echo x' EXIT\necho y", ["trap 'echo x' EXIT", "echo y"]],
  ["export X=1\n# comment\n\necho $X # another", ["export X=1", "echo $X"]],
  ["echo 'unterminated", null],
  ["echo a\\\n", null],
  ["echo \"multi\nline\" &\necho b", ["echo \"multi\nline\" &", "echo b"]],
  ["( echo a\necho b ) &\necho c", ["( echo a\necho b ) &", "echo c"]],
  ["if true; then echo a; fi &\necho b", ["if true; then echo a; fi &", "echo b"]],
  ["echo a && \n echo b &\necho c", ["echo a && \n echo b &", "echo c"]],
  ["echo a ;\n", ["echo a ;"]],
  ["echo a &\n", ["echo a &"]],
  ["echo a &;", null],
  ["!echo", ["!echo"]],
  ["echo a | \n# c\ngrep a", ["echo a | \n# c\ngrep a"]],
  ["arr=(a b)\necho ${arr[0]}", null],
  ["local x=1", ["local x=1"]],
  ["echo $((x))", null],
  ["cat <<\\EOF\nx\nEOF", null],
  ["cat <<EOF\nx $((1)) y\nEOF", ["cat <<EOF\nx $((1)) y\nEOF"]],
  ["cat <<EOF\n$(echo hi)\nEOF\necho b", ["cat <<EOF\n$(echo hi)\nEOF", "echo b"]],
  ["echo \"$(echo \"a b\")\"", ["echo \"$(echo \"a b\")\""]],
  ["echo a\n\n\n", ["echo a"]],
  ["cd /testbed\n\n# Run tests\npython -m pytest -x 2>&1 | tail -20", ["cd /testbed", "python -m pytest -x 2>&1 | tail -20"]],
  ["echo hi >&2 &\necho b", ["echo hi >&2 &", "echo b"]],
  ["echo 1 2>&1 | cat\n echo 2", ["echo 1 2>&1 | cat", "echo 2"]],
  ["test -f x || { echo no; exit 1; }\necho y", ["test -f x || { echo no; exit 1; }", "echo y"]],
  ["echo $HOME/!x", ["echo $HOME/!x"]],
  ["python3 -c \"\nimport sys\nprint(sys.version)\n\"\necho done", ["python3 -c \"\nimport sys\nprint(sys.version)\n\"", "echo done"]],
  ["case x in\n  a) echo a ;;\n  *) echo b ;;\nesac\necho c", ["case x in\n  a) echo a ;;\n  *) echo b ;;\nesac", "echo c"]],
  ["until false; do break; done\necho u", ["until false; do break; done", "echo u"]],
  ["echo a;echo b;\necho c", ["echo a;echo b;", "echo c"]],
  ["function f() { echo; }\nf", ["function f() { echo; }", "f"]],
  ["echo $(( 1 + 2 ))", null],
  ["[ -f x ] && echo y\necho z", ["[ -f x ] && echo y", "echo z"]],
  ["echo x >/dev/null 2>&1 &\nwait\necho d", ["echo x >/dev/null 2>&1 &", "wait", "echo d"]],
  ["sleep 1 & sleep 2 &\nwait", ["sleep 1 & sleep 2 &", "wait"]],
  ["# a\n\n# b", null],
  ["\n\n# a\n  \n", []],
  ["echo a\n# !x\necho b", ["echo a", "echo b"]],
  ["x=1 y=2\necho $x", ["x=1 y=2", "echo $x"]],
  ["echo a \\\n&& echo b", ["echo a \\\n&& echo b"]],
  ["for ((i=0;i<2;i++)); do echo $i; done", null],
  ["echo a; # c\necho b", ["echo a;", "echo b"]],
  ["cat <<EOF && echo x\nbody\nEOF\necho b", ["cat <<EOF && echo x", "echo b"]],
  ["cat <<A <<B\na\nA\nb\nB\necho z", ["cat <<A <<B", "echo z"]],
  ["cat <<EOF \nbody\nEOF\necho b", ["cat <<EOF", "echo b"]],
  ["f() (echo sub)\nf", ["f() (echo sub)", "f"]],
  ["echo a; }", null],
  ["echo ${x/#a/b}", ["echo ${x/#a/b}"]],
  ["echo \"${x}\"&\necho b", ["echo \"${x}\"&", "echo b"]],
  ["v=$(echo a\n) && echo $v\necho b", ["v=$(echo a\n) && echo $v", "echo b"]],
  ["echo a || \\\n  echo b\necho c", ["echo a || \\\n  echo b", "echo c"]],
];

describe('splitBashCommand, as SWE-ReX with bashlex', () => {
  it.each(BASHLEX_SPLITS)('%j', (input, expected) => {
    expect(splitBashCommand(input) ?? null).toEqual(expected);
  });
});

describe('shellInputFor', () => {
  it('joins the top-level commands with " ; ", so a line ending in & or ; becomes a syntax error', () => {
    expect(shellInputFor('sleep 1 &\necho b')).toEqual({ text: 'sleep 1 & ; echo b', fallback: false });
    expect(shellInputFor('cd /testbed;\npython -m pytest')).toEqual({ text: 'cd /testbed; ; python -m pytest', fallback: false });
  });

  it('drops comment lines and a heredoc body that bashlex leaves outside the command', () => {
    expect(shellInputFor('# setup\nls # list\n# done').text).toBe('ls');
    expect(shellInputFor('cat <<EOF > f.py\nprint(1)\nEOF\npython f.py').text).toBe('cat <<EOF > f.py ; python f.py');
  });

  it('sends the raw text with SWE-ReX\'s end marker when bashlex would raise', () => {
    const input = shellInputFor("cat > f.py <<'EOF'\nprint(1)\nEOF");
    expect(input).toEqual({
      text: "cat > f.py <<'EOF'\nprint(1)\nEOF\n TMPEXITCODE=$? ; sleep 0.1; echo -n 'UNIQUESTRING29234' ; (exit $TMPEXITCODE)",
      fallback: true,
    });
    expect(FALLBACK_UNIQUE_STRING).toBe('UNIQUESTRING29234');
  });

  it('sends nothing for an action that is only comments or blank', () => {
    expect(shellInputFor('  # nothing to run\n')).toEqual({ text: '', fallback: false });
  });
});
