import { ADMIN_TOKEN, ApiHarness } from '../support/api';
import { captureLogs } from '../support/log-capture';

let api: ApiHarness;
const logs = captureLogs();
const lines = logs.chunks;

beforeAll(async () => {
  api = await ApiHarness.start(logs.stream);
});

afterAll(async () => {
  await api?.close();
});

describe('logs of failed requests (DESIGN §5: no message bodies in logs)', () => {
  it('logs a database failure by name, message and code, never its query, parameters or row', async () => {
    const group = await api.group('logs');
    const project = await api.project(group.id);
    const wi = await api.workItem(project.id);
    // a constraint the API knows nothing about: the INSERT fails with the note body in its
    // parameters and in PostgreSQL's "Failing row contains (…)" detail
    await api.db.dataSource.query(
      "ALTER TABLE notes ADD CONSTRAINT no_marker CHECK (body NOT LIKE '%SECRET-BODY%')",
    );
    const marker = 'SECRET-BODY-7f3a';
    const res = await api.call(
      ADMIN_TOKEN,
      'POST',
      `/projects/${project.id}/work-items/${wi.iid}/notes`,
      { body: `customer card number ${marker}` },
    );
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'internal error' });
    expect(lines.join('')).not.toContain(marker);
    expect(lines.join('')).not.toContain('INSERT INTO');
    const failure = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'request failed');
    expect(failure.error).toEqual({
      name: 'QueryFailedError',
      message: expect.stringContaining('no_marker'),
      code: '23514',
    });
  });
});
