export interface RedisNode {
  host: string;
  port: number;
}

/**
 * Where REDIS_URL points. `redis://` and `rediss://` name one server; `redis+cluster://` and
 * `rediss+cluster://` name some nodes of a Redis Cluster (`redis+cluster://user:pw@h1:7000,h2:7001`),
 * from which the client learns the rest. A URL form, not a variable: the config holds 25 at most.
 */
export type RedisTarget =
  | { kind: 'server'; url: string }
  | {
      kind: 'cluster';
      nodes: RedisNode[];
      auth: { username?: string; password?: string };
      tls: boolean;
    };

const CLUSTER_URL = /^(rediss?)\+cluster:\/\/(?:([^@/]*)@)?([^/?#]+)\/?$/i;

function parseNode(text: string): RedisNode {
  const m = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(text);
  if (!m?.[1]) throw new Error(`"${text}" is not host:port`);
  const port = Number(m[2] ?? 6379);
  if (port < 1 || port > 65535) throw new Error(`port ${port} out of range`);
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}

/** Throws with a reason when the URL names neither a server nor cluster nodes. */
export function parseRedisUrl(url: string): RedisTarget {
  const m = CLUSTER_URL.exec(url);
  if (!m) {
    const u = new URL(url);
    if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new Error('not a redis URL');
    return { kind: 'server', url };
  }
  const [, scheme, auth, hosts] = m;
  const nodes = (hosts ?? '').split(',').map(parseNode);
  const [user, ...password] = (auth ?? '').split(':');
  return {
    kind: 'cluster',
    nodes,
    auth: {
      ...(user ? { username: decodeURIComponent(user) } : {}),
      ...(password.length > 0 ? { password: decodeURIComponent(password.join(':')) } : {}),
    },
    tls: scheme?.toLowerCase() === 'rediss',
  };
}

export function isClusterUrl(url: string): boolean {
  return CLUSTER_URL.test(url);
}

/** The first host named, for messages about where Redis was looked for. */
export function firstRedisHost(url: string): string {
  const target = parseRedisUrl(url);
  return target.kind === 'server' ? new URL(url).hostname : (target.nodes[0]?.host ?? '');
}
