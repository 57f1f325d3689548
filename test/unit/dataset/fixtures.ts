import { parquetWriteBuffer } from 'hyparquet-writer';

/** A minimal valid row as it appears on Hugging Face (test lists JSON-encoded). */
export function row(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const repo = id.startsWith('django__') ? 'django/django' : id.startsWith('sympy__') ? 'sympy/sympy' : 'psf/requests';
  return {
    instance_id: id,
    repo,
    base_commit: 'abc123',
    patch: `diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a\n+${id}\n`,
    test_patch: '',
    problem_statement: 'it breaks',
    hints_text: '',
    created_at: '2020-01-01T00:00:00Z',
    version: '3.0',
    FAIL_TO_PASS: '["test_a (m.T)"]',
    PASS_TO_PASS: '[]',
    environment_setup_commit: 'def456',
    difficulty: '<15 min fix',
    ...overrides,
  };
}

/** Rows written as a parquet file with every column a string, as the HF conversion stores them. */
export function parquetOf(rows: Record<string, unknown>[]): Buffer {
  const columns = Object.keys(rows[0] ?? {});
  const arrayBuffer = parquetWriteBuffer({
    columnData: columns.map((name) => ({ name, data: rows.map((r) => String(r[name])), type: 'STRING' as const })),
  });
  return Buffer.from(arrayBuffer);
}
