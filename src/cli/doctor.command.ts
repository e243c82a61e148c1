import { hasRole, type Config } from '../config/env';
import { openExistingDatabase } from '../db/database-status';
import {
  adminTokenCheck,
  databaseChecks,
  portCheck,
  redisCheck,
  type CheckLine,
} from './doctor-checks';
import { print } from './output';

const show = (line: CheckLine) => print(`${line.state.padEnd(4)}  ${line.text}`);

/** One line per check, printed as it completes; exit code 1 when any failed. */
export async function doctorCommand(config: Config): Promise<number> {
  const lines: CheckLine[] = [];
  const report = (line: CheckLine) => {
    lines.push(line);
    show(line);
  };
  const status = await openExistingDatabase({
    url: config.DATABASE_URL,
    poolSize: 1,
    connectTimeoutMs: 3000,
    applicationName: 'desk-doctor',
  });
  try {
    databaseChecks(config, status).forEach(report);
    report(await redisCheck(config));
    for (const role of ['smtp', 'api'] as const) {
      const [host, port] =
        role === 'smtp' ? [config.SMTP_HOST, config.SMTP_PORT] : [config.API_HOST, config.API_PORT];
      report(
        hasRole(config, role)
          ? await portCheck(role, host, port)
          : { state: 'skip', text: `${role} port: DESK_ROLES has no ${role}` },
      );
    }
    report(await adminTokenCheck(config, status));
  } finally {
    if (status.kind === 'open') await status.database.close();
  }
  return lines.some((l) => l.state === 'FAIL') ? 1 : 0;
}
