// Summarises a .cpuprofile (node --cpu-prof): top self-time functions and self time by package.
// Usage: node bench/cpu-summary.js file.cpuprofile [topN]
'use strict';
const fs = require('node:fs');

function summarise(file, top = 20) {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  for (let i = 0; i < prof.samples.length; i++) {
    const dt = prof.timeDeltas[i] || 0;
    self.set(prof.samples[i], (self.get(prof.samples[i]) || 0) + dt);
    total += dt;
  }
  const fn = new Map();
  const pkg = new Map();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const short = url
      .replace(/^file:\/\//, '')
      .replace(/^.*\/node_modules\//, 'node_modules/')
      .replace(/^.*\/dist\//, 'dist/');
    const key =
      `${functionName || '(anonymous)'}  ${short ? `${short}:${lineNumber + 1}` : ''}`.trim();
    fn.set(key, (fn.get(key) || 0) + us);
    let p;
    if (!url) p = functionName.startsWith('(') ? functionName : '(native/V8 builtins)';
    else if (url.includes('/node_modules/'))
      p = url
        .split('/node_modules/')
        .pop()
        .split('/')
        .slice(0, url.includes('/node_modules/@') ? 2 : 1)
        .join('/');
    else if (url.startsWith('node:')) p = 'node core';
    else if (url.includes('/dist/')) p = 'desk (dist)';
    else p = url;
    pkg.set(p, (pkg.get(p) || 0) + us);
  }
  const rank = (m) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => ({
        name: k,
        ms: Math.round(us / 1000),
        pct: Math.round((1000 * us) / total) / 10,
      }));
  return { file, totalMs: Math.round(total / 1000), functions: rank(fn), packages: rank(pkg) };
}

function format(s) {
  const lines = [`${s.file}: ${s.totalMs} ms sampled`, '  self time by package:'];
  for (const r of s.packages.slice(0, 10))
    lines.push(`    ${String(r.pct).padStart(5)}%  ${r.name}`);
  lines.push('  top self-time functions:');
  for (const r of s.functions) lines.push(`    ${String(r.pct).padStart(5)}%  ${r.name}`);
  return lines.join('\n');
}

if (require.main === module)
  console.log(format(summarise(process.argv[2], Number(process.argv[3] || 25))));
module.exports = { summarise, format };
