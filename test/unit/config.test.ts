import { ConfigError, ENV_VARIABLES, loadConfig } from '../../src/config/env';
import { SMTP_LIMITS } from '../../src/smtp/smtp-listener';

describe('loadConfig', () => {
  it('gives local defaults', () => {
    const config = loadConfig({});
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/desk');
    expect(config.SMTP_PORT).toBe(2525);
    expect(config.DESK_ROLES).toEqual(['smtp', 'worker', 'api']);
    expect(config.SMTP_MAX_MESSAGE_BYTES).toBe(25 * 1024 * 1024);
    expect(config.CRM_MAX_CONTACTS_PER_EMAIL).toBe(25);
    expect(SMTP_LIMITS.maxHeaderBytes).toBe(1024 * 1024);
    expect(SMTP_LIMITS.dataTimeoutMs).toBe(600_000);
  });

  it('asks an operator for 25 variables at most', () => {
    expect(ENV_VARIABLES.length).toBeLessThanOrEqual(25);
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ SMTP_PORT: 'abc' })).toThrow(ConfigError);
    expect(() => loadConfig({ SMTP_PORT: 'abc' })).toThrow(/SMTP_PORT/);
    expect(() => loadConfig({ DESK_ROLES: 'smtp,mail' })).toThrow(/DESK_ROLES/);
    expect(() => loadConfig({ DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/);
  });

  it('says which role is wrong, and what the roles are', () => {
    expect(() => loadConfig({ DESK_ROLES: 'smtp,mail' })).toThrow(
      'invalid DESK_ROLES: "mail" is not a role; use any of smtp,worker,api (got "smtp,mail")',
    );
  });

  it('refuses a DATABASE_URL or REDIS_URL of another kind, showing the expected form', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://root@db/desk' })).toThrow(
      'invalid DATABASE_URL: expected a URL like postgres://user:password@host:5432/desk (got "mysql://root@db/desk")',
    );
    expect(loadConfig({ DATABASE_URL: 'postgresql://u@db/desk' }).DATABASE_URL).toBe(
      'postgresql://u@db/desk',
    );
    expect(() => loadConfig({ REDIS_URL: 'http://cache:6379' })).toThrow(/^invalid REDIS_URL: /);
  });

  it('refuses a port out of range and an unknown log format', () => {
    expect(() => loadConfig({ API_PORT: '70000' })).toThrow(/^invalid API_PORT: /);
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(/^invalid LOG_FORMAT: /);
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).LOG_FORMAT).toBe('pretty');
  });

  it('takes DNS servers as IP addresses with an optional port, the system’s when unset', () => {
    expect(loadConfig({}).DNS_SERVERS).toEqual([]);
    expect(
      loadConfig({ DNS_SERVERS: '1.1.1.1, 127.0.0.1:5353,[::1]:53,2606:4700::1111' }).DNS_SERVERS,
    ).toEqual(['1.1.1.1', '127.0.0.1:5353', '[::1]:53', '2606:4700::1111']);
    expect(() => loadConfig({ DNS_SERVERS: '1.1.1.1,dns.example' })).toThrow(
      'invalid DNS_SERVERS: "dns.example" is not an IP address (with an optional :port) (got "1.1.1.1,dns.example")',
    );
  });

  it('selects roles', () => {
    expect(loadConfig({ DESK_ROLES: 'smtp, api' }).DESK_ROLES).toEqual(['smtp', 'api']);
  });
});
