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

/** Reads up to `length` bytes at `position` into `into` at `offset`; returns how many it read (fewer only at the end of the file). */
function readAt(fd: number, position: number, length: number, into: Buffer, offset: number): number {
  let got = 0;
  while (got < length) {
    const n = readSync(fd, into, offset + got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
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
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, size - head.length));
      if (readAt(fd, head.length, chunk.length, chunk, 0) < chunk.length) return undefined;
      head = Buffer.concat([head, chunk]);
      messages = head.indexOf(MESSAGES_MEMBER, searchFrom);
    }
    if (messages < 0 || !head.subarray(0, TWO_SPACE_OBJECT.length).equals(TWO_SPACE_OBJECT)) return undefined;
    // the part after messages, filled from the end back, a read at a time, until it holds the start of steps
    const rest = Buffer.allocUnsafe(size - messages);
    let from = size;
    let steps = -1;
    while (steps < 0 && from > messages) {
      const start = Math.max(messages, from - CHUNK_BYTES);
      if (readAt(fd, start, from - start, rest, start - messages) < from - start) return undefined;
      // only what is read so far, and only where a match could start in this read
      const found = rest.subarray(start - messages).lastIndexOf(STEPS_MEMBER, from - start - 1);
      if (found >= 0) steps = start - messages + found;
      from = start;
    }
    // both cuts are at an ASCII line break, so each side decodes on its own
    return steps < 0 ? undefined : decodeUtf8(head.subarray(0, messages)) + decodeUtf8(rest.subarray(steps));
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
