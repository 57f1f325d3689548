import { describe, expect, it } from 'vitest';
import { pullProgressPrinter } from '../../../src/cli/pull-progress.js';

describe('pullProgressPrinter', () => {
  it('says when a pull starts, as layers finish, and how it ended', () => {
    const lines: string[] = [];
    const print = pullProgressPrinter((t) => lines.push(t.trimEnd()));
    const image = 'swebench/sweb.eval.x86_64.django_1776_django-11099:latest';
    print(image, { status: 'Pulling fs layer', id: 'a' });
    print(image, { status: 'Downloading', id: 'a', progress: '[=>   ]' });
    print(image, { status: 'Pull complete', id: 'a' });
    print(image, { status: 'Pull complete', id: 'b' });
    print(image, { status: 'Status: Downloaded newer image for ' + image });
    expect(lines).toEqual([
      `pulling ${image}`,
      `pull ${image}: 1 layer done`,
      `pull ${image}: 2 layers done`,
      `pull ${image}: Downloaded newer image for ${image}`,
    ]);
  });
});
