/**
 * A file the run must write could not be written because of the machine (disk full, permissions,
 * read-only file system, out of file descriptors): the run cannot go on, and nothing about the
 * instances is in question. One line naming the path and what to do; the CLI exits 3.
 */
import { HarnessError } from '../errors.js';

const RESUME = 'then run the same command again to resume';

const ADVICE: Record<string, { code: string; what: string; todo: string }> = {
  ENOSPC: { code: 'disk_full', what: 'no space left on device', todo: `free space on that disk (or pass --output on another one), ${RESUME}` },
  EDQUOT: { code: 'disk_full', what: 'disk quota exceeded', todo: `free space within your quota (or pass --output elsewhere), ${RESUME}` },
  EACCES: { code: 'permission_denied', what: 'permission denied', todo: `make the directory writable for this user (or pass --output elsewhere), ${RESUME}` },
  EPERM: { code: 'permission_denied', what: 'operation not permitted', todo: `make the directory writable for this user (or pass --output elsewhere), ${RESUME}` },
  EROFS: { code: 'read_only_file_system', what: 'read-only file system', todo: `pass --output on a writable file system, ${RESUME}` },
  EMFILE: { code: 'too_many_open_files', what: 'too many open files', todo: `raise the limit (ulimit -n) or lower --workers/--concurrency, ${RESUME}` },
  ENFILE: { code: 'too_many_open_files', what: 'too many open files in the system', todo: `close other programs or lower --workers/--concurrency, ${RESUME}` },
  ENOTDIR: { code: 'not_a_directory', what: 'a parent of it is a file, not a directory', todo: `pass --output pointing at a directory, ${RESUME}` },
};

export class OutputWriteError extends HarnessError {
  constructor(
    code: string,
    readonly path: string,
    readonly errno: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

export function errnoOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The OutputWriteError for a failed write of `file`, or `err` itself when it is not one of the machine's I/O failures. */
export function asOutputWriteError(err: unknown, file: string): unknown {
  if (err instanceof OutputWriteError) return err;
  const errno = errnoOf(err);
  const advice = errno === undefined ? undefined : ADVICE[errno];
  if (!advice || errno === undefined) return err;
  return new OutputWriteError(advice.code, file, errno, `cannot write ${file}: ${advice.what} (${errno}); ${advice.todo}`, { cause: err });
}
