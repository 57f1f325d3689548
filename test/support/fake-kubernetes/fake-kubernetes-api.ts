/**
 * A Kubernetes API server for tests (never a user feature), over TLS with a bearer token as a real
 * one is reached: the calls the kubernetes sandbox makes,
 * answered as the real API answers them, so the real `@kubernetes/client-node` runs its real code
 * paths against it. Pods are backed by local Docker containers (docker-pods.ts); exec speaks the
 * channel.k8s.io websocket subprotocols (exec-channels.ts).
 *
 * Served: pods create / get / list (label and field selectors) / watch / delete / delete by label;
 * networkpolicies create / get; pods/exec. Anything else is a 404 Status, so a new call the sandbox
 * starts making fails loudly here instead of passing against a friendlier fake.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import type { V1NetworkPolicy, V1Pod } from '@kubernetes/client-node';
import { WebSocketServer } from 'ws';
import { FAKE_POD_LABEL, acceptedPod, currentStatus, podKey, runPodContainer, type FakePod } from './docker-pods.js';
import { SUBPROTOCOLS, parseExecQuery, serveExec } from './exec-channels.js';

interface Watcher {
  namespace: string;
  matches: (pod: V1Pod) => boolean;
  response: ServerResponse;
}

export interface FakeKubernetesOptions {
  docker: Dockerode;
  /** Subprotocols offered, in order of preference. @default v5 then v4 */
  subprotocols?: readonly string[];
}

/** What GET /version answers: version.Info, with a version no real release has. */
export const FAKE_VERSION = {
  major: '0',
  minor: '0',
  gitVersion: 'v0.0.0-sera-eval-test',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** The bearer token every request must carry, as the kubeconfig's user presents it. */
const TOKEN = 'sera-eval-test-token';

export class FakeKubernetesApi {
  readonly id = randomBytes(4).toString('hex');
  /** Every request as `METHOD path` (then ` labelSelector=…` when it has one), for tests that check which calls were made. */
  readonly requests: string[] = [];
  /** The subprotocol each exec websocket agreed on. */
  readonly execProtocols: string[] = [];
  private readonly pods = new Map<string, FakePod>();
  private readonly policies = new Map<string, V1NetworkPolicy>();
  private readonly watchers = new Set<Watcher>();
  private readonly starting = new Set<Promise<unknown>>();
  private resourceVersion = 1;
  private readonly server: Server;
  private readonly sockets: WebSocketServer;

  private readonly certificate: string;

  private constructor(private readonly options: FakeKubernetesOptions) {
    const offered = options.subprotocols ?? SUBPROTOCOLS;
    this.sockets = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => offered.find((p) => protocols.has(p)) ?? false });
    const { key, cert } = selfSignedCertificate();
    this.certificate = cert;
    this.server = createServer({ key, cert }, (req, res) => void this.handle(req, res).catch((err: unknown) => this.fail(res, 500, 'InternalError', String(err))));
    this.server.on('upgrade', (req, socket, head) => void this.upgrade(req, socket as import('node:net').Socket, head));
  }

  static async start(options: FakeKubernetesOptions): Promise<FakeKubernetesApi> {
    const api = new FakeKubernetesApi(options);
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  get url(): string {
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A kubeconfig file pointing at this server, written into `dir`. */
  writeKubeconfig(dir: string): string {
    const path = join(dir, 'kubeconfig');
    writeFileSync(
      path,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- name: fake\n  cluster:\n    server: ${this.url}\n    certificate-authority-data: ${Buffer.from(this.certificate).toString('base64')}`,
        'users:',
        `- name: tester\n  user:\n    token: ${TOKEN}`,
        'contexts:',
        '- name: fake\n  context:\n    cluster: fake\n    user: tester\n    namespace: default',
        'current-context: fake',
        '',
      ].join('\n'),
    );
    return path;
  }

  /** Names of the pods that exist now. */
  podNames(): string[] {
    return [...this.pods.values()].map((pod) => pod.manifest.metadata!.name!);
  }

  /** What the kubelet does under node pressure: the container is killed, the pod stays as Failed/Evicted. */
  async evict(name: string, message: string): Promise<void> {
    const pod = [...this.pods.values()].find((p) => p.manifest.metadata!.name === name);
    if (!pod) throw new Error(`no pod ${name} to evict`);
    const container = pod.container;
    pod.container = undefined;
    await container?.remove({ force: true });
    this.update(pod, { ...pod.manifest.status, phase: 'Failed', reason: 'Evicted', message });
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.starting]);
    for (const watcher of this.watchers) watcher.response.end();
    for (const client of this.sockets.clients) client.terminate();
    await Promise.allSettled([...this.pods.values()].map((pod) => pod.container?.remove({ force: true })));
    const strays = await this.options.docker.listContainers({ all: true, filters: { label: [`${FAKE_POD_LABEL}=${this.id}`] } });
    await Promise.allSettled(strays.map((c) => this.options.docker.getContainer(c.Id).remove({ force: true })));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url!, this.url);
    const labels = url.searchParams.get('labelSelector');
    this.requests.push(`${req.method} ${url.pathname}${url.searchParams.get('watch') === 'true' ? '?watch' : ''}${labels ? ` labelSelector=${labels}` : ''}`);
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return this.fail(res, 401, 'Unauthorized', 'Unauthorized');
    if (req.method === 'GET' && url.pathname === '/version') return json(res, 200, FAKE_VERSION);
    const pods = /^\/api\/v1\/namespaces\/([^/]+)\/pods(?:\/([^/]+))?$/.exec(url.pathname);
    const policies = /^\/apis\/networking\.k8s\.io\/v1\/namespaces\/([^/]+)\/networkpolicies(?:\/([^/]+))?$/.exec(url.pathname);
    if (pods) {
      const [, namespace, name] = pods as unknown as [string, string, string | undefined];
      if (req.method === 'POST' && !name) return this.createPod(namespace, JSON.parse(await body(req)) as V1Pod, res);
      if (req.method === 'GET' && name) return this.getPod(namespace, name, res);
      if (req.method === 'GET' && url.searchParams.get('watch') === 'true') return this.watchPods(namespace, url, res);
      if (req.method === 'GET') return this.listPods(namespace, url, res);
      if (req.method === 'DELETE' && name) return this.deletePod(namespace, name, res);
      if (req.method === 'DELETE') return this.deletePods(namespace, url, res);
    }
    if (policies) {
      const [, namespace, name] = policies as unknown as [string, string, string | undefined];
      if (req.method === 'POST' && !name) return this.createPolicy(namespace, JSON.parse(await body(req)) as V1NetworkPolicy, res);
      if (req.method === 'GET' && name) {
        const policy = this.policies.get(podKey(namespace, name));
        return policy ? json(res, 200, policy) : this.fail(res, 404, 'NotFound', `networkpolicies.networking.k8s.io "${name}" not found`);
      }
    }
    this.fail(res, 404, 'NotFound', 'the server could not find the requested resource');
  }

  private createPod(namespace: string, manifest: V1Pod, res: ServerResponse): void {
    const name = manifest.metadata?.name;
    if (!name) return this.fail(res, 422, 'Invalid', 'Pod "" is invalid: metadata.name: Required value: name or generateName is required');
    const key = podKey(namespace, name);
    if (this.pods.has(key)) return this.fail(res, 409, 'AlreadyExists', `pods "${name}" already exists`);
    const pod: FakePod = { manifest: acceptedPod(manifest, namespace, this.nextVersion()), container: undefined };
    this.pods.set(key, pod);
    json(res, 201, pod.manifest);
    this.notify('ADDED', pod.manifest);
    const starting = this.startContainer(key, pod);
    this.starting.add(starting);
    void starting.finally(() => this.starting.delete(starting));
  }

  private async startContainer(key: string, pod: FakePod): Promise<void> {
    const { container, statuses } = await runPodContainer(this.options.docker, this.id, pod.manifest);
    if (this.pods.get(key) !== pod) {
      await container?.remove({ force: true });
      return;
    }
    pod.container = container;
    for (const status of statuses) {
      if (this.pods.get(key) !== pod) return;
      this.update(pod, status);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  private async getPod(namespace: string, name: string, res: ServerResponse): Promise<void> {
    const pod = this.pods.get(podKey(namespace, name));
    if (!pod) return this.fail(res, 404, 'NotFound', `pods "${name}" not found`);
    json(res, 200, { ...pod.manifest, status: await currentStatus(pod) });
  }

  private listPods(namespace: string, url: URL, res: ServerResponse): void {
    json(res, 200, { apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: String(this.resourceVersion) }, items: this.select(namespace, url).map((pod) => pod.manifest) });
  }

  private watchPods(namespace: string, url: URL, res: ServerResponse): void {
    const matches = selector(url);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    const watcher: Watcher = { namespace, matches, response: res };
    this.watchers.add(watcher);
    res.on('close', () => this.watchers.delete(watcher));
    // Without a resourceVersion, a watch starts with a synthetic ADDED for every matching pod.
    for (const pod of this.select(namespace, url)) res.write(`${JSON.stringify({ type: 'ADDED', object: pod.manifest })}\n`);
  }

  private async deletePod(namespace: string, name: string, res: ServerResponse): Promise<void> {
    const key = podKey(namespace, name);
    const pod = this.pods.get(key);
    if (!pod) return this.fail(res, 404, 'NotFound', `pods "${name}" not found`);
    await this.remove(key, pod);
    json(res, 200, pod.manifest);
  }

  private async deletePods(namespace: string, url: URL, res: ServerResponse): Promise<void> {
    const doomed = this.select(namespace, url);
    await Promise.all(doomed.map((pod) => this.remove(podKey(namespace, pod.manifest.metadata!.name!), pod)));
    json(res, 200, { apiVersion: 'v1', kind: 'PodList', metadata: {}, items: doomed.map((pod) => pod.manifest) });
  }

  private async remove(key: string, pod: FakePod): Promise<void> {
    this.pods.delete(key);
    await pod.container?.remove({ force: true }).catch(() => undefined);
    this.notify('DELETED', pod.manifest);
  }

  private createPolicy(namespace: string, policy: V1NetworkPolicy, res: ServerResponse): void {
    const name = policy.metadata!.name!;
    const key = podKey(namespace, name);
    if (this.policies.has(key)) return this.fail(res, 409, 'AlreadyExists', `networkpolicies.networking.k8s.io "${name}" already exists`);
    const stored = { ...policy, apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { ...policy.metadata, namespace, resourceVersion: String(this.nextVersion()) } };
    this.policies.set(key, stored);
    json(res, 201, stored);
  }

  private async upgrade(req: IncomingMessage, socket: import('node:net').Socket, head: Buffer): Promise<void> {
    const url = new URL(req.url!, this.url);
    this.requests.push(`${req.method} ${url.pathname}`);
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return refuse(socket, 401, 'Unauthorized', status(401, 'Unauthorized', 'Unauthorized'));
    const match = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/.exec(url.pathname);
    const pod = match ? this.pods.get(podKey(match[1]!, match[2]!)) : undefined;
    if (!pod) return refuse(socket, 404, 'Not Found', status(404, 'NotFound', match ? `pods "${match[2]}" not found` : 'the server could not find the requested resource'));
    if (!pod.container) {
      const phase = pod.manifest.status?.phase ?? 'Pending';
      return refuse(socket, 400, 'Bad Request', status(400, 'BadRequest', `cannot exec into a container in a completed pod; current phase is ${phase}`));
    }
    const container = pod.container;
    this.sockets.handleUpgrade(req, socket, head, (ws) => {
      this.execProtocols.push(ws.protocol);
      void serveExec(ws, container, parseExecQuery(url)).catch((err: unknown) => {
        ws.send(Buffer.concat([Buffer.from([3]), Buffer.from(JSON.stringify(status(500, 'InternalError', String(err))))]));
        ws.close(1000);
      });
    });
  }

  private select(namespace: string, url: URL): FakePod[] {
    const matches = selector(url);
    return [...this.pods.values()].filter((pod) => pod.manifest.metadata!.namespace === namespace && matches(pod.manifest));
  }

  private update(pod: FakePod, podStatus: V1Pod['status']): void {
    pod.manifest = { ...pod.manifest, metadata: { ...pod.manifest.metadata, resourceVersion: String(this.nextVersion()) }, status: podStatus };
    this.notify('MODIFIED', pod.manifest);
  }

  private notify(type: 'ADDED' | 'MODIFIED' | 'DELETED', pod: V1Pod): void {
    for (const watcher of this.watchers) {
      if (watcher.namespace === pod.metadata!.namespace && watcher.matches(pod)) watcher.response.write(`${JSON.stringify({ type, object: pod })}\n`);
    }
  }

  private nextVersion(): number {
    this.resourceVersion += 1;
    return this.resourceVersion;
  }

  private fail(res: ServerResponse, code: number, reason: string, message: string): void {
    if (!res.headersSent) json(res, code, status(code, reason, message));
  }
}

/** A key and a self-signed certificate for 127.0.0.1, which the kubeconfig names as its CA. */
function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sera-eval-fake-k8s-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=fake-kube-apiserver',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'pipe' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function refuse(socket: import('node:net').Socket, code: number, text: string, body: object): void {
  const json = JSON.stringify(body);
  socket.end(`HTTP/1.1 ${code} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
}

function status(code: number, reason: string, message: string): object {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

/** Equality-based label selectors (`a=b,c=d`) and the `metadata.name` field selector. */
function selector(url: URL): (pod: V1Pod) => boolean {
  const pairs = (text: string | null) => (text ? text.split(',').map((term) => term.split('=') as [string, string]) : []);
  const labels = pairs(url.searchParams.get('labelSelector'));
  const fields = pairs(url.searchParams.get('fieldSelector'));
  for (const [field] of fields) if (field !== 'metadata.name') throw new Error(`the fake API server supports only the metadata.name field selector, got ${field}`);
  return (pod) => labels.every(([key, value]) => pod.metadata?.labels?.[key] === value) && fields.every(([, value]) => pod.metadata?.name === value);
}

function json(res: ServerResponse, code: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
