import { DataSource } from 'typeorm';
import { ENTITIES } from '../../entities';
import { databaseTarget, markThroughPooler } from './pooler';
import { InitialSchema1795651200000 } from './migrations/1795651200000-InitialSchema';
import { InboundDedupeKey1795651300000 } from './migrations/1795651300000-InboundDedupeKey';
import { DeferrableContactOrganizationKey1795651400000 } from './migrations/1795651400000-DeferrableContactOrganizationKey';
import { InboundThreadRoot1795651500000 } from './migrations/1795651500000-InboundThreadRoot';
import { WorkItemIidSequences1795651600000 } from './migrations/1795651600000-WorkItemIidSequences';
import { OutboxJobId1795651700000 } from './migrations/1795651700000-OutboxJobId';
import { RawLz41795651800000 } from './migrations/1795651800000-RawLz4';
import { OutboxUnpublishedIndex1795651900000 } from './migrations/1795651900000-OutboxUnpublishedIndex';
import { ParticipantContactIndex1795652000000 } from './migrations/1795652000000-ParticipantContactIndex';
import { CrmUpdatedAt1795652100000 } from './migrations/1795652100000-CrmUpdatedAt';
import { WorkItemStateIndex1795652200000 } from './migrations/1795652200000-WorkItemStateIndex';
import { WorkItemIidCounters1795652300000 } from './migrations/1795652300000-WorkItemIidCounters';
import { SenderAuthentication1795652500000 } from './migrations/1795652500000-SenderAuthentication';

export const MIGRATIONS = [
  InitialSchema1795651200000,
  InboundDedupeKey1795651300000,
  DeferrableContactOrganizationKey1795651400000,
  InboundThreadRoot1795651500000,
  WorkItemIidSequences1795651600000,
  OutboxJobId1795651700000,
  RawLz41795651800000,
  OutboxUnpublishedIndex1795651900000,
  ParticipantContactIndex1795652000000,
  CrmUpdatedAt1795652100000,
  WorkItemStateIndex1795652200000,
  WorkItemIidCounters1795652300000,
  SenderAuthentication1795652500000,
];

/** How long a new connection may take before the caller is told PostgreSQL is away. */
export const DB_CONNECT_TIMEOUT_MS = 5000;

export interface DataSourceOptions {
  url: string;
  poolSize: number;
  connectTimeoutMs?: number;
  applicationName?: string;
}

export function createDataSource(opts: DataSourceOptions): DataSource {
  const target = databaseTarget(opts.url);
  const dataSource = new DataSource({
    type: 'postgres',
    url: target.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    logging: false,
    applicationName: opts.applicationName ?? 'desk',
    extra: {
      max: opts.poolSize,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? DB_CONNECT_TIMEOUT_MS,
      // a dead server must not leave queries hanging until the OS gives up on the socket
      keepAlive: true,
      query_timeout: 60_000,
      // JIT compiles any plan estimated past jit_above_cost on every execution: tens of ms for
      // desk's statements, which run in a fraction of one (PGOPTIONS, which this replaces, kept);
      // PgBouncer refuses the parameter: there the database's own setting does it
      ...(target.throughPooler
        ? {}
        : { options: [process.env.PGOPTIONS, '-c jit=off'].filter(Boolean).join(' ') }),
    },
  });
  if (target.throughPooler) markThroughPooler(dataSource);
  return dataSource;
}
