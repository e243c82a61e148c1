import type { Socket } from 'node:net';

export interface SmtpSession {
  socket: Socket;
  next(): Promise<number>;
  cmd(text: string): Promise<number>;
}

export function connect(options: {
  port: number;
  host?: string;
  timeoutMs: number;
}): Promise<SmtpSession | null>;

export function greets(port: number, timeoutMs?: number): Promise<boolean>;
