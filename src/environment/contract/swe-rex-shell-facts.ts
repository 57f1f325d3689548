/**
 * What SWE-ReX's session (swerex/runtime/local.py BashSession, as SWE-agent 1.x sets it up) shows the
 * model, checked on every Environment. The expected strings were produced by SWE-ReX's own BashSession
 * code under pexpect with bashlex, on bash 5.2 in a directory holding README.md.
 */
import { expect, it } from 'vitest';
import type { Environment } from '../environment.js';

export function describeSweRexShellFacts(env: () => Environment): void {
  it('expands history: "a!b" is an event that is not found, and !! is SWE-ReX\'s exit-code line', async () => {
    expect(await env().run('echo "a!b"')).toEqual({ output: 'bash: !b: event not found\n', exitCode: 0, timedOut: false });
    await env().run('false');
    expect((await env().run('echo !!')).output).toBe('echo echo EXITCODESTART$?EXITCODEEND\necho EXITCODESTART0EXITCODEEND\n');
  });

  it('starts every command with $? 0, because SWE-ReX read the exit code with echo', async () => {
    expect((await env().run('(exit 42)')).exitCode).toBe(42);
    expect(await env().run('echo $?')).toEqual({ output: '0\n', exitCode: 0, timedOut: false });
  });

  it('reads the command through readline: a literal TAB completes a file name or vanishes', async () => {
    await env().run('cd /testbed');
    expect((await env().run('echo R\tx')).output).toBe('README.md x\n');
    expect((await env().run("echo 'x\ty'")).output).toBe('xy\n');
  });

  it('joins the lines of an action with " ; " as bashlex split them', async () => {
    expect(await env().run('echo a &\necho b')).toEqual({ output: "bash: syntax error near unexpected token `;'\n", exitCode: 2, timedOut: false });
    expect((await env().run('# note!x\necho a # trailing!y')).output).toBe('a\n');
    // bashlex leaves the heredoc body out, so bash waits for it until the timeout
    const dropped = await env().run('cat <<EOF > /testbed/f.txt\nx\nEOF\necho done', { timeoutS: 1 });
    expect(dropped.timedOut).toBe(true);
    expect((await env().run('echo after')).output).toBe('after\n');
  });

  it('strips ANSI escape sequences and shows CR LF as LF', async () => {
    expect((await env().run("printf '\\033[31mred\\033[0m\\n'")).output).toBe('red\n');
    expect((await env().run("printf 'a\\r\\nb\\rc\\n'")).output).toBe('a\r\nb\rc\n');
  });

  it("runs with job control on pexpect's 24x80 terminal, TERM unset and PS1 SWE-ReX's", async () => {
    expect((await env().run('sleep 0.1 &')).output).toMatch(/^\[1\] \d+\n$/);
    expect((await env().run('sleep 0.3')).output).toBe('[1]+  Done                    sleep 0.1\n');
    // PS1's value, SHELLPS1PREFIX, is removed from every output as SWE-ReX removes it
    expect((await env().run('echo $TERM; env | grep -c ^TERM=; env | grep ^PS | sort; stty size')).output).toBe('dumb\n0\nPS0=\nPS1=\nPS2=\n24 80\n');
  });

  it('exports what SWE-agent exports (swe_env.py 189, tools.py 94-101, the registry bundle)', async () => {
    const shown = await env().run('for v in LANG LC_ALL PIP_PROGRESS_BAR PAGER MANPAGER LESS TQDM_DISABLE GIT_PAGER PYTHONPATH; do printf "%s=%s\\n" $v "$(printenv $v)"; done');
    expect(shown.output).toBe(
      'LANG=C.UTF-8\nLC_ALL=C.UTF-8\nPIP_PROGRESS_BAR=off\nPAGER=cat\nMANPAGER=cat\nLESS=-R\nTQDM_DISABLE=1\nGIT_PAGER=cat\nPYTHONPATH=/root/tools/registry/lib:\n',
    );
    expect((await env().run('echo $PATH')).output).toMatch(/^\/root\/tools\/diff_state\/bin:\/root\/tools\/review_on_submit_m\/bin:\/root\/tools\/edit_anthropic\/bin:\/root\/tools\/registry\/bin:/);
  });
}
