import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { loadKubeConfig } from '../../../src/environment/kubernetes/kubernetes-sandbox.js';

const dir = mkdtempSync(join(tmpdir(), 'sera-eval-kubeconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: a
  cluster: { server: 'https://a.example.invalid:6443' }
- name: b
  cluster: { server: 'https://b.example.invalid:6443' }
users:
- name: me
  user: { token: t }
contexts:
- name: ctx-a
  context: { cluster: a, user: me }
- name: ctx-b
  context: { cluster: b, user: me }
current-context: ctx-a
`;

describe('loadKubeConfig', () => {
  const file = join(dir, 'config');
  writeFileSync(file, KUBECONFIG);

  it('reads the given file and its current context, or the context asked for', () => {
    expect(loadKubeConfig({ kubeconfig: file }).getCurrentCluster()?.server).toBe('https://a.example.invalid:6443');
    expect(loadKubeConfig({ kubeconfig: file, context: 'ctx-b' }).getCurrentCluster()?.server).toBe('https://b.example.invalid:6443');
  });

  it('names a missing file or an unknown context as bad input', () => {
    expect(() => loadKubeConfig({ kubeconfig: join(dir, 'missing') })).toThrow(InputError);
    expect(() => loadKubeConfig({ kubeconfig: join(dir, 'missing') })).toThrow(/kubeconfig .*missing: .*ENOENT/);
    expect(() => loadKubeConfig({ kubeconfig: file, context: 'ctx-c' })).toThrow('kubeconfig: no context named ctx-c; known: ctx-a, ctx-b');
  });
});
