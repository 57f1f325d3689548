/**
 * What an instance page of the HTML report shows of a rollout's trajectory: its steps, exit status,
 * totals and error, read one cell at a time and checked against TrajectorySchema's own fields for those
 * parts. `messages` (the conversation again, as the model saw it: about half of the file) is not shown,
 * so it is not read: for the 3,000 trajectories of a full study that is seconds.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import type { z } from 'zod';
import { RunLayout, type CellKey } from '../run-dir/layout.js';
import { TrajectorySchema } from '../run-dir/schemas.js';
import { decodeUtf8, parseJsonText, readBytes } from './read-validated.js';

export const TrajectoryViewSchema = TrajectorySchema.pick({ format: true, exit_status: true, autosubmitted: true, steps: true, stats: true, error: true });
export type TrajectoryView = z.infer<typeof TrajectoryViewSchema>;

const WHAT = 'a sera-eval.trajectory/1 file';
const TWO_SPACE_OBJECT = Buffer.from('{\n  "');
const MESSAGES_MEMBER = Buffer.from('\n  "messages": ');
const STEPS_MEMBER = Buffer.from('\n  "steps": ');
const CHUNK_BYTES = 1 << 18;

function readAt(fd: number, position: number, length: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, bytes, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return bytes.subarray(0, got);
}

/**
 * The text of a file laid out as sera-eval writes JSON (run-dir/layout.ts writeJson: two-space
 * indent) without its top-level `messages`: read from the start up to `messages` and from the end
 * back to `steps`, the member written after it, so the conversation is never read. There a line break,
 * exactly two spaces and a quote can only start a top-level member, as a JSON string holds no raw
 * line break. undefined for a file in another layout.
 */
function readWithoutMessages(file: string): string | undefined {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    let head = Buffer.alloc(0);
    let messages = -1;
    while (messages < 0 && head.length < size) {
      const searchFrom = Math.max(0, head.length - MESSAGES_MEMBER.length);
      head = Buffer.concat([head, readAt(fd, head.length, Math.min(CHUNK_BYTES, size - head.length))]);
      messages = head.indexOf(MESSAGES_MEMBER, searchFrom);
    }
    if (messages < 0 || !head.subarray(0, TWO_SPACE_OBJECT.length).equals(TWO_SPACE_OBJECT)) return undefined;
    let tail = Buffer.alloc(0);
    let steps = -1;
    while (steps < 0 && size - tail.length > messages) {
      const from = Math.max(messages, size - tail.length - CHUNK_BYTES);
      tail = Buffer.concat([readAt(fd, from, size - tail.length - from), tail]);
      steps = tail.lastIndexOf(STEPS_MEMBER);
    }
    // both cuts are at an ASCII line break, so each side decodes on its own
    return steps < 0 ? undefined : decodeUtf8(head.subarray(0, messages)) + decodeUtf8(tail.subarray(steps));
  } finally {
    closeSync(fd);
  }
}

/** One cell's trajectory as the HTML report shows it; undefined when the cell has none. */
export async function readTrajectoryView(runRoot: string, cell: CellKey): Promise<TrajectoryView | undefined> {
  const file = new RunLayout(runRoot).trajectory(cell);
  if (!existsSync(file)) return undefined;
  try {
    const shown = readWithoutMessages(file);
    if (shown !== undefined) return parseJsonText(file, shown, TrajectoryViewSchema, WHAT);
  } catch {
    // read whole below, for the error to name the file and point into it as it is
  }
  return parseJsonText(file, decodeUtf8(readBytes(file)), TrajectoryViewSchema, WHAT);
}
