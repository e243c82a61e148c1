import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ENV_VARIABLES } from '../../src/config/env';

interface Service {
  image?: string;
  restart?: string;
  environment?: Record<string, string>;
  ports?: string[];
  healthcheck?: { test: string[] };
  container_name?: string;
}

const ROOT = join(__dirname, '..', '..');
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const desk = ['smtp', 'worker', 'api'] as const;

describe('docker-compose.yml has the production shape', () => {
  it('runs smtp, worker and api as separate services of one image', () => {
    for (const role of desk) expect(compose.services[role]?.environment?.DESK_ROLES).toBe(role);
    expect(new Set(desk.map((r) => compose.services[r]?.image)).size).toBe(1);
  });

  it('lets workers scale: no fixed container name and no published port', () => {
    expect(compose.services.worker?.container_name).toBeUndefined();
    expect(compose.services.worker?.ports).toBeUndefined();
  });

  it('checks health on /readyz and restarts unless stopped', () => {
    for (const name of Object.keys(compose.services)) {
      expect({ name, restart: compose.services[name]?.restart }).toEqual({
        name,
        restart: 'unless-stopped',
      });
    }
    for (const role of desk)
      expect(compose.services[role]?.healthcheck?.test.join(' ')).toContain('/readyz');
  });

  it('requires ADMIN_TOKEN and publishes ports on 127.0.0.1 unless told otherwise', () => {
    const env = compose.services.api?.environment ?? {};
    expect(env.ADMIN_TOKEN).toMatch(/^\$\{ADMIN_TOKEN:\?.+\}$/);
    for (const service of Object.values(compose.services))
      for (const port of service.ports ?? [])
        expect(port).toMatch(/^(\$\{[A-Z_]+:-)?127\.0\.0\.1:/);
  });

  it('passes only variables desk reads', () => {
    const known = new Set([...ENV_VARIABLES, 'DESK_ROLES']);
    for (const role of desk)
      for (const name of Object.keys(compose.services[role]?.environment ?? {}))
        expect({ name, known: known.has(name) }).toEqual({ name, known: true });
  });

  it('builds on a current Node LTS image', () => {
    const from = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').match(/^FROM node:(\d+)/gm) ?? [];
    expect(from.length).toBeGreaterThan(0);
    for (const line of from)
      expect(Number(line.replace('FROM node:', ''))).toBeGreaterThanOrEqual(24);
  });
});
