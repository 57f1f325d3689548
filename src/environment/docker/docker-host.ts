/**
 * Which engine sera-eval talks to. Docker and podman (`podman system service`) both serve the
 * Docker API on a unix socket; `--docker-host unix:///PATH` picks one, otherwise docker-modem
 * reads DOCKER_HOST (unix://, tcp://, ssh://) and falls back to /var/run/docker.sock.
 */
import Dockerode from 'dockerode';
import { z } from 'zod';

export const DockerHostSchema = z
  .string()
  .regex(/^unix:\/\/\/\S+$/, 'expected a socket as unix:///PATH, e.g. unix:///run/podman/podman.sock (set DOCKER_HOST for tcp:// or ssh://)')
  .describe('the Docker API socket of the engine to use (Docker or podman system service)');

/** A client for `host` (`unix:///PATH`), or for DOCKER_HOST / the default socket when undefined. */
export function dockerClient(host?: string): Dockerode {
  if (host === undefined) return new Dockerode();
  return new Dockerode({ socketPath: DockerHostSchema.parse(host).slice('unix://'.length) });
}
