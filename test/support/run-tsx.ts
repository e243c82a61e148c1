import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { ENV_VARIABLES } from '../../src/config/env';

export const ROOT = join(__dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

export interface ChildRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a TypeScript entry point as its own process, as a user would. desk's own variables of the
 * test runner's environment are left out: the child sees only those given in `env`.
 */
export function runTsx(
  entry: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<ChildRun> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !ENV_VARIABLES.includes(name)),
  );
  return new Promise((resolve) => {
    execFile(
      TSX,
      [entry, ...args],
      { cwd: ROOT, env: { ...inherited, ...env }, timeout: timeoutMs },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
