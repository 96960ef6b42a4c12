import { detectCompose, type ComposeChoice } from '../compose/detect.js';
import type { Runner } from '../exec/command.js';
import { CommandNotFoundError, lastLine } from '../exec/errors.js';
import { type DoctorCheck, failed, oneLine, passed } from './types.js';

// The programs a config relies on, asked for their version the way the commands will run them.

export async function dockerCheck(run: Runner): Promise<DoctorCheck> {
  try {
    const r = await run({ argv: ['docker', 'version', '--format', '{{.Server.Version}}'], kind: 'read', timeoutMs: 10_000 });
    if (r.exitCode === 0) return passed('docker', `daemon reachable (server ${r.stdout.trim()})`);
    const why = r.timedOut ? 'no answer within 10 s' : lastLine(r.stderr) || `exit ${r.exitCode}`;
    return failed(
      'docker',
      `the daemon is not reachable: ${why}`,
      'start it (`sudo systemctl start docker`), or set DOCKER_HOST; a user outside the docker group needs sudo or the group',
    );
  } catch (err) {
    return failed('docker', oneLine(err), 'install Docker (docker.io or Docker Engine) and make sure `docker` is on PATH');
  }
}

export async function composeCheck(command: ComposeChoice | undefined, env: NodeJS.ProcessEnv): Promise<DoctorCheck> {
  try {
    const cli = await detectCompose({ command, processEnv: env, env: env.PATH ? { PATH: env.PATH } : undefined });
    return passed('compose', `Compose ${cli.flavor} ${cli.version} (\`${cli.argv.join(' ')}\`)`);
  } catch (err) {
    const fix = 'install the Docker Compose plugin (`docker compose`, v2) or `docker-compose` (v1), or set compose.command in migrate.yaml to the one you have';
    return failed('compose', err instanceof CommandNotFoundError ? 'neither `docker compose` (v2) nor `docker-compose` (v1) was found on PATH' : oneLine(err), fix);
  }
}

/** The host nginx the nginx traffic driver reloads. */
export async function nginxCheck(run: Runner, binary: string, where: string): Promise<DoctorCheck> {
  const fix = `install nginx, or set ${where}.traffic.binary in migrate.yaml to its path`;
  try {
    const r = await run({ argv: [binary, '-v'], kind: 'read', timeoutMs: 10_000 });
    // nginx -v prints "nginx version: nginx/1.22.1" on stderr.
    const version = /nginx\/(\S+)/.exec(r.stderr + r.stdout)?.[1];
    if (r.exitCode === 0) return passed('nginx', `${binary} ${version ?? ''}`.trim());
    return failed('nginx', `\`${binary} -v\` failed: ${lastLine(r.stderr) || `exit ${r.exitCode}`}`, fix);
  } catch (err) {
    return failed('nginx', oneLine(err), fix);
  }
}

/** The gateway's nginx image must be on this machine: there may be no registry to pull it from. */
export async function gatewayImageCheck(run: Runner, image: string): Promise<DoctorCheck> {
  try {
    const r = await run({ argv: ['docker', 'image', 'inspect', '--format', '{{.Id}}', image], kind: 'read', timeoutMs: 10_000 });
    if (r.exitCode === 0) return passed('nginx', `gateway image ${image} is present`);
    return failed('nginx', `gateway image ${image} is not on this machine`, `\`docker pull ${image}\`, or set gateway.image in migrate.yaml to an nginx image you have`);
  } catch (err) {
    return failed('nginx', oneLine(err), 'install Docker and make sure `docker` is on PATH');
  }
}

/** A Prometheus the gates query: its readiness endpoint must answer. */
export async function prometheusCheck(url: string, where: string): Promise<DoctorCheck> {
  const ready = `${url.replace(/\/+$/, '')}/-/ready`;
  const fix = `start Prometheus, or fix ${where}.url in migrate.yaml`;
  try {
    const res = await fetch(ready, { signal: AbortSignal.timeout(3000) });
    await res.body?.cancel();
    if (res.ok) return passed('prometheus', `${new URL(url).origin} is ready`);
    return failed('prometheus', `${new URL(url).origin}/-/ready answered ${res.status}`, fix);
  } catch (err) {
    return failed('prometheus', `${new URL(url).origin} does not answer (${(err as Error).name === 'TimeoutError' ? 'no answer within 3 s' : (err as Error).message})`, fix);
  }
}
