import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { greets } from '../../support/smtp-session';

const ROOT = join(__dirname, '..', '..', '..');

/** desk as operators run it (`node dist/bin/desk.js`), in a process a case may kill -9. */
export class DeskProcess {
  private child: ChildProcess | null = null;

  constructor(
    private readonly env: Record<string, string>,
    readonly logFile: string,
  ) {}

  /** Resolves once desk serves: its SMTP port greets (220), or (a worker alone) it logs that it started. */
  async start(): Promise<void> {
    const log = createWriteStream(this.logFile, { flags: 'a' });
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'bin', 'desk.js')], {
      env: { PATH: process.env.PATH ?? '', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.child = child;
    const listens = (this.env.DESK_ROLES ?? '').split(',').includes('smtp');
    let started = false;
    if (!listens) {
      // a worker has no port; its 'desk started' line (info level) is the sign it is up
      let tail = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        tail = (tail + chunk.toString()).slice(-4096);
        if (tail.includes('"msg":"desk started"')) started = true;
      });
    }
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null)
        throw new Error(`desk exited with ${child.exitCode}: ${this.tail()}`);
      if (listens ? await greets(Number(this.env.SMTP_PORT)) : started) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`desk did not start: ${this.tail()}`);
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  tail(lines = 20): string {
    try {
      return readFileSync(this.logFile, 'utf8').trim().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }
}
