import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function pgBin(name: string): string {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
  return join('/usr/lib/postgresql', versions[0], 'bin', name);
}

/**
 * A PostgreSQL of the fault suite's own, on its own port, that a case may stop and start without
 * touching the server other tests (or other sessions) use. initdb refuses root: run as postgres.
 */
export class PrivatePostgres {
  readonly dir = mkdtempSync(join(tmpdir(), 'desk-faults-pg-'));
  port = 0;

  private asPostgres(bin: string, args: string[]) {
    const root = process.getuid?.() === 0;
    return root
      ? run('runuser', ['-u', 'postgres', '--', pgBin(bin), ...args])
      : run(pgBin(bin), args);
  }

  async init(): Promise<void> {
    if (process.getuid?.() === 0)
      chownSync(this.dir, Number((await run('id', ['-u', 'postgres'])).stdout.trim()), 0);
    this.port = await freePort();
    await this.asPostgres('initdb', [
      '-D',
      this.dir,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-sync',
    ]);
    await this.start();
  }

  async start(): Promise<void> {
    await this.asPostgres('pg_ctl', [
      '-D',
      this.dir,
      '-w',
      '-l',
      join(this.dir, 'server.log'),
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
      'start',
    ]);
  }

  /** `fast`: what an operator's stop does; open transactions are rolled back. */
  async stop(): Promise<void> {
    await this.asPostgres('pg_ctl', ['-D', this.dir, '-w', '-m', 'fast', 'stop']);
  }

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A Redis of the suite's own; it keeps nothing on disk, like the one on the test machines. */
export class PrivateRedis {
  port = 0;
  private child: ChildProcess | null = null;

  async start(): Promise<void> {
    if (!this.port) this.port = await freePort();
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    this.child = child;
    for (let i = 0; i < 100; i++) {
      const ok = await run('redis-cli', ['-p', String(this.port), 'ping']).then(
        (r) => r.stdout.includes('PONG'),
        () => false,
      );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('private redis did not start');
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }
}
