/** Headless Chromium (/usr/bin/chromium) for HTML report tests: the DOM after the page's script ran, and its console lines. */
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const CHROMIUM = '/usr/bin/chromium';

/** @param scratch a directory for the browser profile */
export async function openInChromium(url: string, scratch: string): Promise<{ dom: string; console: string[] }> {
  const profile = await mkdtemp(path.join(scratch, 'profile-'));
  const { stdout, stderr } = await run(
    CHROMIUM,
    [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`, '--enable-logging=stderr', '--v=0',
      '--virtual-time-budget=2000', '--dump-dom', url,
    ],
    { timeout: 300_000, maxBuffer: 256 * 1024 * 1024 },
  );
  return { dom: stdout, console: stderr.split('\n').filter((line) => line.includes(':CONSOLE')) };
}
