// The baseline: smtp-server with the options desk gives it (src/smtp/smtp-listener.ts), which
// reads each message like desk does and discards it. Usage: PORT=… node bench/bare-sink.js
'use strict';
const { SMTPServer } = require('smtp-server');

const maxMessageBytes = Number(process.env.SMTP_MAX_MESSAGE_BYTES || 25 * 1024 * 1024);
let n = 0;
const server = new SMTPServer({
  name: 'desk.localhost',
  banner: 'desk Service Desk ESMTP',
  size: maxMessageBytes,
  authOptional: true,
  disabledCommands: ['AUTH', 'STARTTLS'],
  maxClients: 500,
  socketTimeout: 60000,
  closeTimeout: 30000,
  disableReverseLookup: true,
  logger: false,
  onRcptTo(address, session, callback) {
    callback();
  },
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (chunk) => {
      if (!stream.sizeExceeded) chunks.push(chunk);
    });
    stream.on('end', () => {
      if (stream.sizeExceeded)
        return callback(Object.assign(new Error('too big'), { responseCode: 552 }));
      Buffer.concat(chunks); // what desk holds; then dropped
      callback(null, `2.0.0 Ok: queued as ${++n}`);
    });
  },
});
server.on('error', () => undefined);
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
