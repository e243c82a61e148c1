// A DNS server on loopback answering from a map (TXT only, what sender authentication of the
// bench's unsigned and signed mail asks): unknown names NXDOMAIN, known names without the type
// an empty answer. Counts the questions, so a run can show its cache was warm.
'use strict';
const dgram = require('node:dgram');
const dnsPacket = require('dns-packet');

async function startDnsStub(records) {
  const socket = dgram.createSocket('udp4');
  const stub = { queries: 0 };
  socket.on('message', (message, peer) => {
    const query = dnsPacket.decode(message);
    const question = query.questions && query.questions[0];
    if (!question) return;
    stub.queries++;
    const name = question.name.toLowerCase().replace(/\.$/, '');
    const entry = records[name];
    const values = (entry && question.type === 'TXT' && entry.TXT) || [];
    const answers = values.map((value) => {
      const chunks = [];
      for (let i = 0; i < value.length; i += 255) chunks.push(value.slice(i, i + 255));
      return { name: question.name, type: 'TXT', class: 'IN', ttl: 300, data: chunks };
    });
    const flags =
      dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE;
    const reply = dnsPacket.encode({
      type: 'response',
      id: query.id,
      flags: flags | (entry ? 0 : 3), // 3: NXDOMAIN
      questions: query.questions,
      answers,
    });
    socket.send(reply, peer.port, peer.address);
  });
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
  stub.server = `127.0.0.1:${socket.address().port}`;
  stub.close = () => new Promise((resolve) => socket.close(resolve));
  return stub;
}

module.exports = { startDnsStub };
