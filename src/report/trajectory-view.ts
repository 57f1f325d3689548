/**
 * What an instance page of the HTML report shows of a rollout's trajectory: its steps, exit status,
 * totals and error, read one cell at a time and checked against TrajectorySchema's own fields for those
 * parts. `messages` (the conversation again, as the model saw it: about half of the file) is not shown,
 * so it is neither decoded nor parsed: for the 3,000 trajectories of a full study that is seconds.
 */
import { existsSync } from 'node:fs';
import type { z } from 'zod';
import { RunLayout, type CellKey } from '../run-dir/layout.js';
import { TrajectorySchema } from '../run-dir/schemas.js';
import { decodeUtf8, parseJsonText, readBytes } from './read-validated.js';

export const TrajectoryViewSchema = TrajectorySchema.pick({ format: true, exit_status: true, autosubmitted: true, steps: true, stats: true, error: true });
export type TrajectoryView = z.infer<typeof TrajectoryViewSchema>;

const WHAT = 'a sera-eval.trajectory/1 file';
const TWO_SPACE_OBJECT = Buffer.from('{\n  "');
const MESSAGES_MEMBER = Buffer.from('\n  "messages": ');
const NEXT_MEMBER = Buffer.from('\n  "');

/**
 * The file without its top-level `messages` member, when it is laid out as sera-eval writes JSON
 * (run-dir/layout.ts writeJson: two-space indent). A line break then exactly two spaces and a quote
 * can only start a top-level member there, as a JSON string holds no raw line break. Anything else
 * (another layout, `messages` last or absent) is left whole.
 */
function withoutMessages(bytes: Buffer): string | undefined {
  if (!bytes.subarray(0, TWO_SPACE_OBJECT.length).equals(TWO_SPACE_OBJECT)) return undefined;
  const start = bytes.indexOf(MESSAGES_MEMBER);
  const end = start < 0 ? -1 : bytes.indexOf(NEXT_MEMBER, start + MESSAGES_MEMBER.length);
  // both cuts are at an ASCII line break, so each side decodes on its own
  return end < 0 ? undefined : decodeUtf8(bytes.subarray(0, start)) + decodeUtf8(bytes.subarray(end));
}

/** One cell's trajectory as the HTML report shows it; undefined when the cell has none. */
export async function readTrajectoryView(runRoot: string, cell: CellKey): Promise<TrajectoryView | undefined> {
  const file = new RunLayout(runRoot).trajectory(cell);
  if (!existsSync(file)) return undefined;
  const bytes = readBytes(file);
  const shown = withoutMessages(bytes);
  if (shown !== undefined) {
    try {
      return parseJsonText(file, shown, TrajectoryViewSchema, WHAT);
    } catch {
      // read whole below, for the error to point into the file as it is
    }
  }
  return parseJsonText(file, decodeUtf8(bytes), TrajectoryViewSchema, WHAT);
}
