// Haraka as a second baseline, when installed: a real MTA accepting mail for the Service Desk
// domain and discarding it (queue/discard). Found as $HARAKA_BIN, the Haraka package, or `haraka`
// on PATH; e.g. `npm install --prefix /tmp/haraka Haraka` and
// HARAKA_BIN=/tmp/haraka/node_modules/.bin/haraka.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

function findHaraka() {
  const candidates = [process.env.HARAKA_BIN];
  try {
    candidates.push(require.resolve('Haraka/bin/haraka'));
  } catch {
    // not a dependency here
  }
  for (const dir of (process.env.PATH || '').split(path.delimiter))
    candidates.push(path.join(dir, 'haraka'));
  for (const c of candidates) if (c && fs.existsSync(c)) return fs.realpathSync(c);
  return null;
}

/** A Haraka config dir listening on loopback `port`, one process, accepting mail for `domain`. */
function harakaConfig(bin, port, domain, maxBytes) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'desk-bench-haraka-'));
  const init = spawnSync(process.execPath, [bin, '-i', dir], { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`haraka -i failed: ${init.stderr || init.stdout}`);
  const config = (name, text) => fs.writeFileSync(path.join(dir, 'config', name), text);
  config('smtp.ini', `[main]\nlisten=127.0.0.1:${port}\nnodes=0\n`);
  config('plugins', 'rcpt_to.in_host_list\nqueue/discard\n');
  config('host_list', `${domain}\n`);
  config('databytes', `${maxBytes}\n`);
  config('log.ini', '[main]\nlevel=warn\n');
  config('me', `${domain}\n`);
  return dir;
}

module.exports = { findHaraka, harakaConfig };
