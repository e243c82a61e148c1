import { createConnection, type Socket } from 'node:net';
import type { RunningDesk } from '../../bin/start-desk';
import type { Config } from '../../src/config/env';
import { clearQueuePrefix, startTestDesk, testConfig } from '../support/test-desk';
import { createTestDb, type TestDb } from '../support/test-db';

let db: TestDb;
let config: Config;
let desk: RunningDesk;
const open: Socket[] = [];

beforeAll(async () => {
  db = await createTestDb();
  config = testConfig(db.url, { SMTP_MAX_CLIENTS: '3', SMTP_MAX_CLIENTS_PER_IP: '1' });
  desk = await startTestDesk(config);
});

afterAll(async () => {
  for (const s of open) s.destroy();
  await desk?.close();
  await clearQueuePrefix(config.QUEUE_PREFIX);
  await db?.drop();
});

/** Connects from a given loopback address and resolves with the greeting's first line. */
function greet(localAddress: string): Promise<{ socket: Socket; line: string }> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port: desk.smtpPort!, host: '127.0.0.1', localAddress });
    open.push(socket);
    socket.setEncoding('utf8');
    socket.once('data', (line: string) => resolve({ socket, line: line.trim() }));
    socket.once('error', reject);
  });
}

const closed = (socket: Socket) =>
  new Promise<void>((resolve) => {
    if (socket.destroyed) return resolve();
    socket.once('close', () => resolve());
    socket.destroy();
  });

describe('connections per address', () => {
  it('are not freed by connections the server turned away before counting them', async () => {
    const held = await greet('127.0.0.1');
    expect(held.line).toMatch(/^220 /);
    const b = await greet('127.0.0.2');
    await greet('127.0.0.3');
    // the server is full: turned away before desk counted it, then closed
    const turnedAway = await greet('127.0.0.1');
    expect(turnedAway.line).toMatch(/^421 /);
    await closed(turnedAway.socket);
    await closed(b.socket);
    await new Promise((r) => setTimeout(r, 100));
    // 127.0.0.1 still holds one connection, its limit
    const second = await greet('127.0.0.1');
    expect(second.line).toMatch(/^421 4\.7\.0 too many connections from your address/);
  });
});
