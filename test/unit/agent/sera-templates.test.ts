import { describe, expect, it } from 'vitest';
import { renderObservationMessage } from '../../../src/agents/sera/sera-templates.js';

describe('observation templates', () => {
  it('uses the step template, or the no-output template for blank output', () => {
    expect(renderObservationMessage('a\n')).toBe('OBSERVATION:\na\n');
    expect(renderObservationMessage(' \n\t')).toBe('Your last command ran successfully and did not produce any output.');
  });

  it('clips past 100,000 characters, counting code points as Python does', () => {
    const observation = `${'😀'.repeat(99_999)}ab${'c'.repeat(10)}`;
    const message = renderObservationMessage(observation);
    expect(message).toBe(
      `Observation: ${'😀'.repeat(99_999)}a<response clipped><NOTE>Observations should not exceeded 100000 characters. ` +
        '11 characters were elided. Please try a different command that produces less output or use head/tail/grep/redirect ' +
        'the output to a file. Do not use interactive pagers.</NOTE>',
    );
    expect(renderObservationMessage('x'.repeat(100_000))).toBe(`OBSERVATION:\n${'x'.repeat(100_000)}`);
  });
});
