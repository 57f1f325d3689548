import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { DockerSandboxProvider } from '../../../src/environment/docker/docker-sandbox.js';
import { repoDigestFor } from '../../../src/environment/docker/engine-identity.js';

const ID = `sha256:${'a'.repeat(64)}`;
const DIGEST = `sha256:${'d'.repeat(64)}`;
const NAME = 'swebench/sweb.eval.x86_64.django_1776_django-11099:latest';

/** The two daemon calls identity makes, answering as the real engines do (shapes from `docker version` / podman compat VersionHandler). */
function fakeDocker(answers: { inspect?: () => unknown; version?: () => unknown }): Dockerode {
  return {
    getImage: (name: string) => ({
      inspect: async () => {
        if (!answers.inspect) throw Object.assign(new Error(`(HTTP code 404) no such image - No such image: ${name}`), { statusCode: 404 });
        return answers.inspect();
      },
    }),
    version: async () => {
      if (!answers.version) throw Object.assign(new Error('connect ECONNREFUSED /var/run/docker.sock'), { code: 'ECONNREFUSED' });
      return answers.version();
    },
  } as unknown as Dockerode;
}

function provider(docker: Dockerode): DockerSandboxProvider {
  return new DockerSandboxProvider({ run: { id: 'r', dir: '/tmp/r' }, pull: 'never', limits: { network: false, memoryBytes: 1, pidsLimit: 1 }, docker });
}

describe('image and engine identity (Docker sandbox)', () => {
  it('an image pulled from a registry: its id and the digest of the repository it was pulled from', async () => {
    const docker = fakeDocker({
      inspect: () => ({ Id: ID, RepoTags: [NAME], RepoDigests: [`mirror.example/other@sha256:${'e'.repeat(64)}`, `swebench/sweb.eval.x86_64.django_1776_django-11099@${DIGEST}`] }),
    });
    expect(await provider(docker).imageIdentity(NAME)).toEqual({ id: ID, repoDigest: `swebench/sweb.eval.x86_64.django_1776_django-11099@${DIGEST}` });
  });

  it('a locally built image has an id and no digest', async () => {
    const docker = fakeDocker({ inspect: () => ({ Id: ID, RepoTags: ['sweb.eval.x86_64.demo__calc-1:latest'], RepoDigests: [] }) });
    expect(await provider(docker).imageIdentity('sweb.eval.x86_64.demo__calc-1:latest')).toEqual({ id: ID, repoDigest: null });
  });

  it('podman writes Docker Hub repositories in full; they still match', () => {
    expect(repoDigestFor(NAME, [`docker.io/swebench/sweb.eval.x86_64.django_1776_django-11099@${DIGEST}`])).toBe(
      `docker.io/swebench/sweb.eval.x86_64.django_1776_django-11099@${DIGEST}`,
    );
    expect(repoDigestFor('ghcr.io/epoch-research/x:latest', [])).toBeNull();
  });

  it('an image the daemon does not know, or a daemon that is gone, gives null rather than stopping the run', async () => {
    expect(await provider(fakeDocker({})).imageIdentity(NAME)).toBeNull();
    expect(await provider(fakeDocker({})).engineIdentity()).toBeNull();
  });

  it('names Docker from its "Engine" component and podman from "Podman Engine", with the version and API version', async () => {
    const docker = fakeDocker({
      version: () => ({
        Platform: { Name: '' },
        Components: [{ Name: 'Engine', Version: '20.10.24+dfsg1', Details: { ApiVersion: '1.41' } }, { Name: 'containerd', Version: '1.6.20~ds1' }],
        Version: '20.10.24+dfsg1',
        ApiVersion: '1.41',
      }),
    });
    expect(await provider(docker).engineIdentity()).toEqual({ name: 'Docker', version: '20.10.24+dfsg1', apiVersion: '1.41' });
    const podman = fakeDocker({
      version: () => ({
        Platform: { Name: 'linux/amd64/debian-12' },
        Components: [{ Name: 'Podman Engine', Version: '4.3.1', Details: { APIVersion: '4.3.1' } }, { Name: 'Conmon', Version: 'conmon version 2.1.6' }],
        Version: '4.3.1',
        ApiVersion: '1.41',
      }),
    });
    expect(await provider(podman).engineIdentity()).toEqual({ name: 'podman', version: '4.3.1', apiVersion: '1.41' });
  });
});
