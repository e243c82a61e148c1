import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeskMetrics } from '../../src/metrics/desk-metrics';

const DEPLOY = join(__dirname, '..', '..', 'deploy');
const FILES = ['prometheus/desk-alerts.yml', 'grafana/desk-dashboard.json'];

/** The desk metric names a file queries, a histogram's series reduced to its family. */
function namesIn(file: string): string[] {
  const text = readFileSync(join(DEPLOY, file), 'utf8');
  const names = [...text.matchAll(/desk_[a-z_]+/g)].map((m) => m[0]);
  return [...new Set(names.map((n) => n.replace(/_(bucket|count|sum)$/, '')))].sort();
}

const notScraped = async (): Promise<never> => {
  throw new Error('nothing is scraped here');
};

describe('the alert rules and the dashboard in deploy/', () => {
  const metrics = new DeskMetrics({
    sources: {
      jobCounts: notScraped,
      oldestWaitingAges: notScraped,
      unpublishedOutboxRows: notScraped,
      stuckReceivedEmails: notScraped,
    },
  });
  const registered = new Set(metrics.registry.getMetricsAsArray().map((m) => m.name));
  afterAll(() => metrics.close());

  it.each(FILES)('%s names only metrics desk registers', (file) => {
    const names = namesIn(file);
    expect(names.length).toBeGreaterThan(3);
    expect(names.filter((n) => !registered.has(n))).toEqual([]);
  });

  it('together show every desk metric', () => {
    const used = new Set(FILES.flatMap(namesIn));
    const unused = [...registered].filter((n) => n.startsWith('desk_') && !used.has(n));
    expect(unused).toEqual([]);
  });
});
