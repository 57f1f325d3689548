/** Every user-supplied string in the HTML report goes through escapeHtml: all five characters, `&` never twice. */
import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../../src/report/html-escape.js';

describe('escapeHtml', () => {
  it('escapes & < > " and \' once each, and leaves other text as it is', () => {
    expect(escapeHtml(`<a href="x" title='y'>Tom & Jerry &amp; co</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Jerry &amp;amp; co&lt;/a&gt;');
    expect(escapeHtml("raise ValueError('bad')")).toBe('raise ValueError(&#39;bad&#39;)');
    const plain = 'def as_sql(self, compiler):  # café ✓\n';
    expect(escapeHtml(plain)).toBe(plain);
  });
});
