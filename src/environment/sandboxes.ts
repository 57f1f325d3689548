/** The sandbox backends `--sandbox` chooses from; register a plugin's with `sandboxes.register`. */
import { Registry } from '../registry.js';
import { dockerSandbox } from './docker/docker-sandbox-factory.js';
import { kubernetesSandbox } from './kubernetes/kubernetes-sandbox-factory.js';
import { localSandbox } from './local-sandbox.js';
import type { SandboxFactory } from './sandbox-factory.js';

export const sandboxes = new Registry<SandboxFactory<any>>('sandbox');
sandboxes.register(dockerSandbox);
sandboxes.register(localSandbox);
sandboxes.register(kubernetesSandbox);
