/** The arrows of DESIGN §8: a violation fails `npm run lint` and so .ci/run. */
module.exports = {
  forbidden: [
    {
      name: 'domain-stays-pure',
      comment:
        'domain never imports transports, queue workers, HTTP or metrics (they count at the edges)',
      severity: 'error',
      from: { path: '^src/domain' },
      to: {
        path: [
          '^src/(smtp|api|app|cli|metrics|ui)/',
          '^workers/',
          '^bin/',
          'node_modules/(smtp-server|fastify|bullmq|ioredis|prom-client)/',
        ],
      },
    },
    {
      name: 'only-repositories-touch-typeorm',
      comment: 'only repositories, db and entities import typeorm or pg',
      severity: 'error',
      from: { path: '^(src|workers|bin)/', pathNot: '^src/(repositories|db)/' },
      to: { path: 'node_modules/(typeorm|pg)/' },
    },
    {
      name: 'src-never-imports-workers',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: ['^workers/', '^bin/'] },
    },
    {
      name: 'entities-are-leaves',
      comment: 'entity classes import only typeorm and each other',
      severity: 'error',
      from: { path: '^entities/' },
      to: { path: ['^src/', '^workers/', '^bin/'] },
    },
    {
      name: 'edges-do-not-import-each-other',
      comment: 'the command line (src/cli) is an edge like SMTP and HTTP: it calls the domain',
      severity: 'error',
      from: { path: '^src/(smtp|api|cli)/' },
      to: { path: ['^src/(smtp|api|cli)/'], pathNot: '^src/$1/' },
    },
    {
      name: 'repositories-below-domain',
      comment: 'repositories never import the domain: the types they return live with them',
      severity: 'error',
      from: { path: '^src/repositories/' },
      to: { path: '^src/domain/' },
    },
    {
      name: 'smtp-stores-through-domain',
      comment: 'the SMTP edge stores through a domain service (domain/inbound), never a repository',
      severity: 'error',
      from: { path: '^src/smtp/' },
      to: { path: '^src/repositories/' },
    },
    {
      name: 'domain-knows-no-queue',
      comment: 'the domain knows no queue names: the repositories name the job of an outbox row',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/queue/' },
    },
    {
      name: 'scripts-are-clients',
      comment: 'scripts (npm run demo) use desk as a customer and an admin do: SMTP and HTTP',
      severity: 'error',
      from: { path: '^scripts/' },
      to: {
        path: ['^src/(domain|repositories|db|queue|app|smtp|api)/', '^(workers|bin|entities)/'],
      },
    },
    {
      name: 'domain-gets-dns-injected',
      comment:
        'sender authentication gets a resolve function; the DNS client (servers, deadlines, cache) lives in src/dns, below the domain',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: ['^src/dns/', '^(node:)?dns(/promises)?$'] },
    },
    {
      name: 'dns-below-domain',
      severity: 'error',
      from: { path: '^src/dns/' },
      to: { path: ['^src/(domain|repositories|api|smtp|queue|app)/'] },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|test|bench)/' },
  },
};
