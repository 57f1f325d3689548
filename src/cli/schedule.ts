/** A command's action hands its work here; main awaits it and turns the result into the exit code. */
export type Schedule = (run: () => Promise<number>) => void;
