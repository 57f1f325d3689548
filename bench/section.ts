/** What every benchmark section returns: one compact table and the notes printed under it. */
import Table from 'cli-table3';
import type Dockerode from 'dockerode';

export interface SectionResult {
  head: string[];
  rows: string[][];
  notes: string[];
}

export type Section =
  | { title: string; needs: 'docker'; run(quick: boolean, docker: Dockerode): Promise<SectionResult> }
  | { title: string; needs: 'nothing'; run(quick: boolean): Promise<SectionResult> };

export function renderSection(title: string, result: SectionResult): string {
  const table = new Table({ head: result.head, style: { head: [], border: [] } });
  table.push(...result.rows);
  return [`== ${title}`, table.toString(), ...result.notes.map((n) => `   ${n}`)].join('\n');
}
