import { describe, expect, it } from 'vitest';
import { KubernetesSandboxConfigSchema, quantityValue } from '../../../src/environment/kubernetes/kubernetes-config.js';
import { labelValue, podManifest, podName, runLabelSelector } from '../../../src/environment/kubernetes/pod-manifest.js';

const cell = { instanceId: 'django__django-11099', context: '32k', seed: '1' };
const request = { runId: 'nightly-2026-11-26', image: 'swebench/sweb.eval.x86_64.django_1776_django-11099:latest', cell, purpose: 'rollout' as const, attempt: 1, workdir: '/testbed' };

describe('podManifest', () => {
  it('runs the instance image as root on a long sleep, never restarted, with no service account token', () => {
    const pod = podManifest(KubernetesSandboxConfigSchema.parse({}), request);
    const container = pod.spec!.containers[0]!;
    expect(container).toMatchObject({ image: request.image, command: ['sleep', 'infinity'], workingDir: '/testbed', imagePullPolicy: 'IfNotPresent', securityContext: { runAsUser: 0 } });
    expect(pod.spec).toMatchObject({ restartPolicy: 'Never', automountServiceAccountToken: false, shareProcessNamespace: true, terminationGracePeriodSeconds: 0 });
    expect(pod.metadata!.finalizers).toBeUndefined();
    expect(pod.metadata!.namespace).toBe('default');
  });

  it('takes requests and limits for cpu, memory and ephemeral storage from the config', () => {
    const config = KubernetesSandboxConfigSchema.parse({ requests: { cpu: '500m', memory: '2Gi', ephemeralStorage: '5Gi' }, limits: { cpu: '2', memory: '6Gi', ephemeralStorage: '30Gi' } });
    expect(podManifest(config, request).spec!.containers[0]!.resources).toEqual({
      requests: { cpu: '500m', memory: '2Gi', 'ephemeral-storage': '5Gi' },
      limits: { cpu: '2', memory: '6Gi', 'ephemeral-storage': '30Gi' },
    });
  });

  it('labels the run id, the cell and the purpose, and the no-network label unless network is asked', () => {
    const labels = podManifest(KubernetesSandboxConfigSchema.parse({}), request).metadata!.labels!;
    expect(labels).toMatchObject({
      'sera-eval.run-id': 'nightly-2026-11-26',
      'sera-eval.managed': 'true',
      'sera-eval.instance-id': 'django__django-11099',
      'sera-eval.context': '32k',
      'sera-eval.seed': '1',
      'sera-eval.purpose': 'rollout',
      'sera-eval.network': 'none',
    });
    const networked = podManifest(KubernetesSandboxConfigSchema.parse({ network: true }), request).metadata!.labels!;
    expect(networked['sera-eval.network']).toBeUndefined();
    expect(runLabelSelector('nightly-2026-11-26')).toBe('sera-eval.run-id=nightly-2026-11-26');
  });

  it('places pods with node selector, tolerations, service account, pull policy, pull secrets and a Kueue queue', () => {
    const config = KubernetesSandboxConfigSchema.parse({
      namespace: 'evals',
      nodeSelector: { 'cloud.example.com/pool': 'swe' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'swe', effect: 'NoSchedule' }],
      serviceAccountName: 'sera-sandbox',
      imagePullPolicy: 'Always',
      imagePullSecrets: ['dockerhub', 'mirror-cred'],
      queueName: 'swe-queue',
    });
    const pod = podManifest(config, request);
    expect(pod.metadata!.namespace).toBe('evals');
    expect(pod.metadata!.labels!['kueue.x-k8s.io/queue-name']).toBe('swe-queue');
    expect(pod.spec).toMatchObject({
      nodeSelector: { 'cloud.example.com/pool': 'swe' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'swe', effect: 'NoSchedule' }],
      serviceAccountName: 'sera-sandbox',
      imagePullSecrets: [{ name: 'dockerhub' }, { name: 'mirror-cred' }],
    });
    expect(pod.spec!.containers[0]!.imagePullPolicy).toBe('Always');
    expect(podManifest(KubernetesSandboxConfigSchema.parse({}), request).metadata!.labels!['kueue.x-k8s.io/queue-name']).toBeUndefined();
  });

  it('names pods as DNS labels, distinct per purpose and attempt', () => {
    const long = { ...request, cell: { ...cell, instanceId: 'scikit-learn__scikit-learn-' + '1'.repeat(80) } };
    const names = [podName(request), podName({ ...request, purpose: 'grading' }), podName({ ...request, attempt: 2 }), podName(long)];
    for (const name of names) expect(name).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
    expect(new Set(names).size).toBe(4);
    expect(names[0]).toMatch(/^sera-rollout-django-django-11099-[0-9a-f]{8}$/);
    expect(names[1]).toMatch(/^sera-eval-django-django-11099-/);
  });

  it('keeps label values within the rules, cutting long or odd ones to a hash', () => {
    expect(labelValue('sympy__sympy-20590')).toBe('sympy__sympy-20590');
    for (const odd of ['-', 'a/b:c', 'x'.repeat(100)]) {
      const value = labelValue(odd);
      expect(value).toMatch(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/);
      expect(labelValue(odd)).toBe(value);
    }
    expect(labelValue('a/b')).not.toBe(labelValue('a:b'));
  });
});

describe('KubernetesSandboxConfigSchema', () => {
  it('names the field and what was expected', () => {
    const bad = KubernetesSandboxConfigSchema.safeParse({ limits: { memory: '8 GB' }, namespace: 'Evals', tolerations: [{ effect: 'Sometimes' }] });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    expect(paths.some((p) => p.startsWith('limits.memory: expected a Kubernetes quantity'))).toBe(true);
    expect(paths.some((p) => p.startsWith('namespace: expected a lowercase DNS label'))).toBe(true);
    expect(paths.some((p) => p.startsWith('tolerations.0.effect'))).toBe(true);
    expect(KubernetesSandboxConfigSchema.safeParse({ unknownKey: 1 }).success).toBe(false);
  });

  it('reads quantities into base units', () => {
    expect(quantityValue('8Gi')).toBe(8 * 1024 ** 3);
    expect(quantityValue('1500m')).toBe(2);
    expect(quantityValue('2G')).toBe(2e9);
  });
});
