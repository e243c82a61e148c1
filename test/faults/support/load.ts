import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LoadResult {
  sent: number;
  accepted: number[];
  replies: { ok: number; temp: number; perm: number; dropped: number };
  okTimes: number[];
}

/** Runs the load generator as its own process and resolves with what it saw. */
export function runLoad(options: {
  port: number;
  to: string;
  count: number;
  concurrency: number;
  seconds: number;
  out: string;
  run: string;
  /** Every n-th message is large (1.5 MB): the listener streams those into PostgreSQL. */
  largeEvery?: number;
  /** The number of the first message, when several generators share a run. */
  first?: number;
}): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(__dirname, '..', 'load-generator.js'), JSON.stringify(options)],
      {
        stdio: 'inherit',
      },
    );
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited with ${code}`));
      resolve(JSON.parse(readFileSync(options.out, 'utf8')) as LoadResult);
    });
  });
}
