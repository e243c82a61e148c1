// Preload for a diagnostic run (node -r ./bench/count-calls.js dist/bin/desk.js): counts the
// PostgreSQL queries (by statement) and Redis commands desk issues, and writes them to
// $COUNT_CALLS_OUT when the process exits. Changes nothing else.
'use strict';
const fs = require('node:fs');
const pg = require('pg');
const IORedis = require('ioredis');
const { isMainThread, threadId } = require('node:worker_threads');

const queries = new Map();
const commands = new Map();
const bump = (m, k) => m.set(k, (m.get(k) || 0) + 1);

const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (config, ...rest) {
  const text = typeof config === 'string' ? config : config && config.text;
  if (text) bump(queries, text.replace(/\s+/g, ' ').trim().slice(0, 90));
  return query.call(this, config, ...rest);
};
const sendCommand = IORedis.prototype.sendCommand;
IORedis.prototype.sendCommand = function (command, ...rest) {
  let name = command.name;
  if (name === 'evalsha' || name === 'eval') name += ` ${String(command.args[0]).slice(0, 12)}`;
  bump(commands, name);
  return sendCommand.call(this, command, ...rest);
};

process.on('exit', () => {
  const sorted = (m) => Object.fromEntries([...m].sort((a, b) => b[1] - a[1]));
  const out = process.env.COUNT_CALLS_OUT;
  // the all-in-one desk runs its workers on a thread, which counts into a file of its own
  if (out)
    fs.writeFileSync(
      isMainThread ? out : `${out}.thread${threadId}`,
      JSON.stringify({ queries: sorted(queries), redis: sorted(commands) }, null, 2),
    );
});
