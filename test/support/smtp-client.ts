import { createConnection, type Socket } from 'node:net';

export interface SmtpReply {
  code: number;
  text: string;
}

/** A deliberately small SMTP client so tests see every reply code exactly as sent. */
export class SmtpClient {
  private buffer = '';
  private waiters: ((reply: SmtpReply) => void)[] = [];
  private replies: SmtpReply[] = [];
  private lines: string[] = [];
  /** Resolves when the server (or the test) closed the connection. */
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static async connect(
    port: number,
    host = '127.0.0.1',
  ): Promise<{ client: SmtpClient; greeting: SmtpReply }> {
    const socket = createConnection({ port, host });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new SmtpClient(socket);
    return { client, greeting: await client.next() };
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let index: number;
    while ((index = this.buffer.indexOf('\r\n')) !== -1) {
      const line = this.buffer.slice(0, index);
      this.buffer = this.buffer.slice(index + 2);
      this.lines.push(line);
      if (line[3] !== '-') {
        const reply = {
          code: Number(line.slice(0, 3)),
          text: this.lines.map((l) => l.slice(4)).join('\n'),
        };
        this.lines = [];
        const waiter = this.waiters.shift();
        if (waiter) waiter(reply);
        else this.replies.push(reply);
      }
    }
  }

  next(): Promise<SmtpReply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async command(line: string): Promise<SmtpReply> {
    this.socket.write(`${line}\r\n`);
    return this.next();
  }

  /** Sends DATA, the message (dot-stuffed) and the final dot; returns the reply to the dot. */
  async data(message: Buffer | string): Promise<SmtpReply> {
    const start = await this.command('DATA');
    if (start.code !== 354) return start;
    const text = (Buffer.isBuffer(message) ? message.toString('latin1') : message).replace(
      /\r?\n/g,
      '\r\n',
    );
    const stuffed = text.replace(/^\./gm, '..');
    this.socket.write(Buffer.from(stuffed.endsWith('\r\n') ? stuffed : `${stuffed}\r\n`, 'latin1'));
    this.socket.write('.\r\n');
    return this.next();
  }

  /** Writes bytes exactly as given: no line-end rewriting, no dot-stuffing. */
  write(bytes: Buffer | string): void {
    this.socket.write(bytes);
  }

  async quit(): Promise<void> {
    await this.command('QUIT').catch(() => undefined);
    this.socket.destroy();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** One whole SMTP transaction; returns every reply so a test can assert on any step. */
export async function sendMail(
  port: number,
  envelope: { from: string; to: string[] },
  message: Buffer | string,
): Promise<{ mail: SmtpReply; rcpt: SmtpReply[]; data: SmtpReply | null }> {
  const { client } = await SmtpClient.connect(port);
  try {
    await client.command('EHLO test.example');
    const mail = await client.command(`MAIL FROM:<${envelope.from}>`);
    const rcpt: SmtpReply[] = [];
    for (const to of envelope.to) rcpt.push(await client.command(`RCPT TO:<${to}>`));
    const data = rcpt.some((r) => r.code === 250) ? await client.data(message) : null;
    return { mail, rcpt, data };
  } finally {
    await client.quit();
  }
}
