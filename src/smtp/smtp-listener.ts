import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import {
  DataTimeoutError,
  DeskError,
  HeaderTooLargeError,
  MessageTooLargeError,
  TooManyConnectionsError,
} from '../errors';
import { CHUNKED_MESSAGE_BYTES } from '../domain/inbound/accept-chunked';
import { HeaderBlockMeter } from '../domain/mail/header-block';
import { NO_WATCH, type OutageReporter } from '../app/dependency-watch';
import type { Logger } from '../logger';
import type { DeskMetrics } from '../metrics/desk-metrics';
import type { MessageReceiver } from './receive-message';
import { toSmtpError } from './smtp-errors';

/** Limits operators never set; tests shorten them in code. */
export const SMTP_LIMITS = {
  /** mailparser refuses a header block over 1 MiB; desk refuses it at DATA instead. */
  maxHeaderBytes: 1024 * 1024,
  socketTimeoutMs: 60_000,
  closeTimeoutMs: 30_000,
  /** The idle timeout restarts with every byte; this bounds the whole DATA phase. */
  dataTimeoutMs: 600_000,
};
export type SmtpLimits = typeof SMTP_LIMITS;

export interface SmtpSettings extends Partial<SmtpLimits> {
  host: string;
  port: number;
  serverName: string;
  maxMessageBytes: number;
  maxClients: number;
  maxClientsPerIp: number;
  tlsKeyPath?: string;
  tlsCertPath?: string;
}

export interface SmtpListener {
  listen(): Promise<number>;
  close(): Promise<void>;
}

/** Thin edge: counts, validates, hands the bytes to the receiver, maps outcomes to replies. */
export function createSmtpListener(
  receiver: MessageReceiver,
  options: SmtpSettings,
  logger: Logger,
  metrics: DeskMetrics,
  outages: OutageReporter = NO_WATCH,
): SmtpListener {
  const settings = { ...SMTP_LIMITS, ...options };
  const perIp = new Map<string, number>();
  const counted = new Set<string>();
  const projectsOf = new WeakMap<object, number[]>();
  const tls = settings.tlsKeyPath && settings.tlsCertPath;

  const replied = (stage: string, code: number) =>
    metrics.smtpReplies.inc({ stage, code: String(code) });
  const reject = (err: unknown, session: SMTPServerSession, stage: string) => {
    const reply = toSmtpError(err);
    replied(stage, reply.responseCode);
    // an outage is one warning of its own (DependencyWatch), not one per command it refuses
    const explained = outages.report(err, `SMTP commands answered ${reply.responseCode}`);
    const log = explained
      ? logger.debug.bind(logger)
      : err instanceof DeskError && !err.temporary
        ? logger.info.bind(logger)
        : logger.warn.bind(logger);
    log(
      {
        session: session.id,
        remote: session.remoteAddress,
        stage,
        reply: `${reply.responseCode} ${reply.message}`,
        err: err instanceof DeskError ? undefined : String(err),
      },
      'smtp command refused',
    );
    return reply;
  };

  const server = new SMTPServer({
    name: settings.serverName,
    banner: 'desk Service Desk ESMTP',
    size: settings.maxMessageBytes,
    authOptional: true,
    disabledCommands: tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    key: tls ? readFileSync(settings.tlsKeyPath as string) : undefined,
    cert: tls ? readFileSync(settings.tlsCertPath as string) : undefined,
    maxClients: settings.maxClients,
    socketTimeout: settings.socketTimeoutMs,
    closeTimeout: settings.closeTimeoutMs,
    disableReverseLookup: true,
    logger: false,
    onConnect(session, callback) {
      metrics.smtpSessions.inc();
      const count = (perIp.get(session.remoteAddress) ?? 0) + 1;
      perIp.set(session.remoteAddress, count);
      counted.add(session.id);
      if (count > settings.maxClientsPerIp) {
        return callback(
          reject(new TooManyConnectionsError(settings.maxClientsPerIp), session, 'connect'),
        );
      }
      callback();
    },
    onClose(session) {
      // smtp-server also closes sessions that never reached onConnect (maxClients, early talkers)
      if (!counted.delete(session.id)) return;
      const count = (perIp.get(session.remoteAddress) ?? 1) - 1;
      if (count <= 0) perIp.delete(session.remoteAddress);
      else perIp.set(session.remoteAddress, count);
    },
    onRcptTo(address, session, callback) {
      const accepted = projectsOf.get(session.envelope) ?? [];
      receiver
        .resolveRecipient(address.address, accepted.length)
        .then((projectId) => {
          projectsOf.set(session.envelope, [...accepted, projectId]);
          replied('rcpt', 250);
          callback();
        })
        .catch((err: unknown) => callback(reject(err, session, 'rcpt')));
    },
    onData(stream: SMTPServerDataStream, session, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      const header = new HeaderBlockMeter(settings.maxHeaderBytes);
      let timedOut = false;
      // the socket's idle timeout restarts with every byte, so a trickle needs its own limit
      const deadline = setTimeout(() => {
        timedOut = true;
        chunks.length = 0;
        const reply = reject(new DataTimeoutError(settings.dataTimeoutMs), session, 'data');
        const connection = [...server.connections].find((c) => c.id === session.id);
        connection?.send(reply.responseCode, reply.message);
        connection?.close();
      }, settings.dataTimeoutMs);
      stream.on('close', () => clearTimeout(deadline));
      stream.on('data', (chunk: Buffer) => {
        header.feed(chunk);
        // past a limit nothing more is kept: the reply is a refusal whatever follows
        if (stream.sizeExceeded || header.exceeded || timedOut) chunks.length = 0;
        else {
          chunks.push(chunk);
          size += chunk.length;
        }
      });
      stream.on('end', () => {
        clearTimeout(deadline);
        if (timedOut) return;
        if (stream.sizeExceeded) {
          return callback(
            reject(new MessageTooLargeError(settings.maxMessageBytes), session, 'data'),
          );
        }
        if (header.exceeded) {
          return callback(
            reject(new HeaderTooLargeError(settings.maxHeaderBytes), session, 'data'),
          );
        }
        const stopAcceptTimer = metrics.acceptDuration.startTimer();
        const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : null;
        const envelope = {
          remoteAddress: session.remoteAddress,
          helo: session.hostNameAppearsAs || null,
          mailFrom: mailFrom || null,
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          projectIds: projectsOf.get(session.envelope) ?? [],
        };
        receiver
          .accept(
            size >= CHUNKED_MESSAGE_BYTES
              ? { ...envelope, chunks, size }
              : { ...envelope, raw: Buffer.concat(chunks, size) },
          )
          .then((ids) => {
            stopAcceptTimer();
            replied('data', 250);
            metrics.acceptedBytes.inc(size);
            metrics.acceptedEmails.inc(ids.length);
            logger.debug(
              { session: session.id, remote: session.remoteAddress, inboundEmailIds: ids },
              'message stored',
            );
            callback(null, `2.0.0 Ok: queued as ${ids.join(',')}`);
          })
          .catch((err: unknown) => callback(reject(err, session, 'data')));
      });
    },
  });
  server.on('error', (err) => logger.warn({ err: err.message }, 'smtp connection error'));

  return {
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(settings.port, settings.host, () => {
          server.off('error', reject);
          resolve((server.server.address() as AddressInfo).port);
        });
      }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
