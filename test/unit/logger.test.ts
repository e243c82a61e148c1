import { spawn } from 'node:child_process';
import { join } from 'node:path';

const LOGGER = join(__dirname, '..', '..', 'src', 'logger.ts');
const TSX = join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx');

/** Runs `script` with `logger` bound to a root logger on stdout; its stdout lines as they came. */
function runLogging(
  script: string,
): Promise<{ code: number | null; lines: { at: number; line: string }[] }> {
  const child = spawn(
    TSX,
    ['-e', `const logger = require(${JSON.stringify(LOGGER)}).createRootLogger('info'); ${script}`],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  const lines: { at: number; line: string }[] = [];
  let rest = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const parts = (rest + chunk.toString()).split('\n');
    rest = parts.pop() ?? '';
    for (const line of parts) lines.push({ at: Date.now(), line });
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, lines }));
  });
}

describe("the root logger on stdout (pino's own asynchronous destination)", () => {
  it('writes a line within a fraction of a second, not only at exit', async () => {
    const { code, lines } = await runLogging(
      `logger.info('first'); setTimeout(() => { logger.info({ at: Date.now() }, 'second'); }, 300); setTimeout(() => process.exit(0), 1500);`,
    );
    expect(code).toBe(0);
    const second = lines.find((l) => l.line.includes('"second"'));
    expect(second).toBeDefined();
    const loggedAt = (JSON.parse(second!.line) as { at: number }).at;
    expect(second!.at - loggedAt).toBeLessThan(1000);
    expect(lines.some((l) => l.line.includes('"first"'))).toBe(true);
  });

  it('writes what is still buffered when the process exits, a crash included', async () => {
    const exited = await runLogging(`logger.info('before exit'); process.exit(3);`);
    expect(exited.code).toBe(3);
    expect(exited.lines.map((l) => JSON.parse(l.line).msg)).toEqual(['before exit']);

    const crashed = await runLogging(`logger.error('before crash'); throw new Error('boom');`);
    expect(crashed.code).not.toBe(0);
    expect(crashed.lines.map((l) => JSON.parse(l.line).msg)).toEqual(['before crash']);
  });

  it('keeps every line of a burst, in order', async () => {
    const { lines } = await runLogging(
      `for (let i = 0; i < 5000; i++) logger.info({ i }, 'burst'); setTimeout(() => {}, 150);`,
    );
    expect(lines.map((l) => (JSON.parse(l.line) as { i: number }).i)).toEqual(
      Array.from({ length: 5000 }, (_, i) => i),
    );
  });
});
