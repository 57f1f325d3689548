import { afterEach, describe, expect, it } from 'vitest';
import { renderSubmitReview } from '../../../src/agents/sera/sera-templates.js';
import { decodeAsPythonText } from '../../../src/agents/sera/tools/model-patch-file.js';
import { turn } from '../../support/fake-model-server.js';
import { disposeRun, runScripted, type ScriptedRun } from './run-scripted-agent.js';

/**
 * Golden strings from CPython 3: `Path(p).read_text(encoding="utf-8", errors="backslashreplace")`, the
 * read in tools/review_on_submit_m/bin/submit and agents.py `handle_submission`, over the bytes of
 * `git diff --cached` for a new file holding b'a\r\nb\xe9\n'.
 */
const PYTHON_READ_OF_PATCH =
  'diff --git a/data.txt b/data.txt\nnew file mode 100644\nindex 0000000..7463a56\n--- /dev/null\n+++ b/data.txt\n@@ -0,0 +1,2 @@\n+a\n+b\\xe9\n';

let run: ScriptedRun | undefined;
afterEach(async () => {
  await disposeRun(run);
  run = undefined;
});

describe('the patch as the submit review and handle_submission read it', () => {
  it('decodes as Python text mode: universal newlines, invalid bytes as \\xNN', () => {
    const bytes = Buffer.concat([Buffer.from('x\r\ny\rz'), Buffer.from([0xe9, 0x0a, 0xf0, 0x9f, 0x98, 0x80, 0xed, 0xa0, 0x80])]);
    expect(decodeAsPythonText(bytes)).toBe('x\ny\nz\\xe9\n😀\\xed\\xa0\\x80');
  });

  it('shows CRLF as LF and an invalid byte as \\xe9 in the review, and submits the same text', async () => {
    run = await runScripted({ turns: [turn.bash(String.raw`printf 'a\r\nb\xe9\n' > data.txt`), turn.submit(), turn.submit()] });
    const [, review, submitted] = run.trajectory.steps.map((s) => s.observation);
    expect(review).toBe(`${renderSubmitReview(PYTHON_READ_OF_PATCH)}\n`);
    expect(review).not.toContain('\uFFFD');
    expect(submitted).toBe(PYTHON_READ_OF_PATCH);
    expect(run.trajectory).toMatchObject({ exit_status: 'submitted', submission: PYTHON_READ_OF_PATCH });
  });

  it('autosubmits the same text when the run ends another way', async () => {
    run = await runScripted({ turns: [turn.bash(String.raw`printf 'a\r\nb\xe9\n' > data.txt`), turn.noToolCall(), turn.noToolCall(), turn.noToolCall()] });
    expect(run.trajectory).toMatchObject({ exit_status: 'exit_format', autosubmitted: true, submission: PYTHON_READ_OF_PATCH });
  });
});
