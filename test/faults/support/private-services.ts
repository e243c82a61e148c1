import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
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

/**
 * A Redis Cluster of three masters (Debian's redis-server, no replicas) on loopback ports, made
 * with `redis-cli --cluster create`; like PrivateRedis it keeps no data on disk, only each node's
 * cluster config, so a restarted master rejoins with its slots and without its keys.
 */
export class PrivateRedisCluster {
  readonly dir = mkdtempSync(join(tmpdir(), 'desk-faults-cluster-'));
  ports: number[] = [];
  private readonly children = new Map<number, ChildProcess>();

  async start(): Promise<void> {
    for (let i = 0; i < 3; i++) this.ports.push(await freePort());
    for (const port of this.ports) await this.startNode(port);
    await run('redis-cli', [
      '--cluster',
      'create',
      ...this.ports.map((p) => `127.0.0.1:${p}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    await this.waitHealthy();
  }

  private async startNode(port: number): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(this.dir, `nodes-${port}.conf`),
        '--cluster-node-timeout',
        '3000',
        '--dir',
        this.dir,
        '--save',
        '',
        '--appendonly',
        'no',
      ],
      { stdio: 'ignore' },
    );
    this.children.set(port, child);
    for (let i = 0; i < 100; i++) {
      if ((await this.cli(port, 'ping')).includes('PONG')) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`cluster node ${port} did not start`);
  }

  private cli(port: number, ...args: string[]): Promise<string> {
    return run('redis-cli', ['-p', String(port), ...args]).then(
      (r) => r.stdout,
      () => '',
    );
  }

  /** Every node says the cluster is ok (all slots served). */
  async waitHealthy(): Promise<void> {
    for (let i = 0; i < 400; i++) {
      const states = await Promise.all(this.ports.map((p) => this.cli(p, 'cluster', 'info')));
      if (states.every((s) => s.includes('cluster_state:ok'))) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('private redis cluster did not become healthy');
  }

  /** The port of the master serving the key's slot. */
  async ownerOf(key: string): Promise<number> {
    const slot = Number((await this.cli(this.ports[0]!, 'cluster', 'keyslot', key)).trim());
    const nodes = await this.cli(this.ports[0]!, 'cluster', 'nodes');
    for (const line of nodes.trim().split('\n')) {
      const fields = line.split(' ');
      if (!fields[2]?.includes('master')) continue;
      for (const range of fields.slice(8)) {
        const [from, to = from] = range.split('-').map(Number);
        if (slot >= from! && slot <= to!) return Number(/:(\d+)@/.exec(fields[1]!)![1]);
      }
    }
    throw new Error(`no master serves slot ${slot}`);
  }

  /** kill -9 and start again: the master comes back with its slots and none of its keys. */
  async restartNode(port: number, downMs: number): Promise<void> {
    await this.stopNode(port);
    await new Promise((r) => setTimeout(r, downMs));
    await this.startNode(port);
    await this.waitHealthy();
  }

  private async stopNode(port: number): Promise<void> {
    const child = this.children.get(port);
    this.children.delete(port);
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  url(): string {
    return `redis+cluster://${this.ports.map((p) => `127.0.0.1:${p}`).join(',')}`;
  }

  async destroy(): Promise<void> {
    for (const port of [...this.children.keys()]) await this.stopNode(port);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Debian's PgBouncer in transaction pooling mode in front of a PrivatePostgres, on its own port.
 * It refuses to run as root, like initdb: it runs as postgres, as a daemon stopped by its pid.
 */
export class PrivatePgBouncer {
  readonly dir = mkdtempSync(join(tmpdir(), 'desk-faults-pgbouncer-'));
  port = 0;

  async start(postgresPort: number): Promise<void> {
    const root = process.getuid?.() === 0;
    if (root) chownSync(this.dir, Number((await run('id', ['-u', 'postgres'])).stdout.trim()), 0);
    this.port = await freePort();
    const ini = join(this.dir, 'pgbouncer.ini');
    writeFileSync(join(this.dir, 'userlist.txt'), '"postgres" ""\n');
    writeFileSync(
      ini,
      [
        '[databases]',
        `* = host=127.0.0.1 port=${postgresPort}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${this.port}`,
        'unix_socket_dir =',
        'auth_type = trust',
        `auth_file = ${join(this.dir, 'userlist.txt')}`,
        'pool_mode = transaction',
        'max_client_conn = 1000',
        'default_pool_size = 40',
        // a stopped PostgreSQL: tried again each second, and clients told within 3 s
        'server_login_retry = 1',
        'query_wait_timeout = 3',
        `logfile = ${join(this.dir, 'pgbouncer.log')}`,
        `pidfile = ${join(this.dir, 'pgbouncer.pid')}`,
      ].join('\n') + '\n',
    );
    if (root) chownSync(ini, Number((await run('id', ['-u', 'postgres'])).stdout.trim()), 0);
    const args = ['-d', ini];
    await (root
      ? run('runuser', ['-u', 'postgres', '--', 'pgbouncer', ...args])
      : run('pgbouncer', args));
    for (let i = 0; i < 100; i++) {
      if (await portAnswers(this.port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('private pgbouncer did not start');
  }

  /** A URL through PgBouncer, flagged so desk keeps no session state. */
  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}?pgbouncer=true`;
  }

  async destroy(): Promise<void> {
    try {
      const pid = Number(readFileSync(join(this.dir, 'pgbouncer.pid'), 'utf8').trim());
      if (pid) process.kill(pid, 'SIGTERM');
    } catch {
      // not running
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}
