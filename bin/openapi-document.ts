/**
 * The admin API's OpenAPI document, from the routes themselves: no database, Redis or port.
 * `tsx bin/openapi-document.ts <file>` writes it (npm run openapi:client does, to
 * docs/openapi.json, then generates a TypeScript client from it).
 */
import { writeFileSync } from 'node:fs';
import { buildApi } from '../src/api/api-server';
import type { ServiceDeskAddressing } from '../src/domain/mail/service-desk-address';
import { createRootLogger } from '../src/logger';
import { DeskMetrics } from '../src/metrics/desk-metrics';
import type { Store } from '../src/repositories/store';

export async function openApiDocument(): Promise<Record<string, unknown>> {
  const app = buildApi({
    logger: createRootLogger('silent'),
    health: { postgres: async () => undefined, redis: async () => undefined },
    // the document needs the routes, not what they call: nothing here is used before a request
    store: {} as Store,
    addressing: {} as ServiceDeskAddressing,
    adminTokenSha256: null,
    publish: () => undefined,
    queues: [],
    metrics: new DeskMetrics(),
  });
  try {
    await app.ready();
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
  }
}

/** As committed: two-space JSON and a final newline, so a regeneration diffs cleanly. */
export const documentText = (document: unknown) => `${JSON.stringify(document, null, 2)}\n`;

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: tsx bin/openapi-document.ts <file>\n');
    process.exit(2);
  }
  openApiDocument().then(
    (document) => writeFileSync(file, documentText(document)),
    (err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exit(1);
    },
  );
}
