import { Command, InvalidArgumentError, Option } from 'commander';
import { INBOUND_STATUSES, type InboundStatus } from '../../entities/inbound-email.entity';
import { loadConfig } from '../config/env';
import { CliError } from './cli-error';
import { doctorCommand } from './doctor.command';
import { exportInboundCommand } from './inbound-export.command';
import { listInboundCommand } from './inbound-list.command';
import { reprocessInboundCommand } from './inbound-reprocess.command';
import { createTokenCommand } from './token.command';

/** An action's exit code (none: 0). */
export type Action = () => Promise<number | void>;

const positive = (max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new InvalidArgumentError(`a whole number from 1 to ${max}`);
  return n;
};

const inboundId = (value: string) => {
  if (!/^\d{1,18}$/.test(value)) throw new InvalidArgumentError('an inbound email id');
  return value;
};

/** Exactly one of --id and --status, as the commands that act on mail take them. */
function target<S>(opts: { id?: string; status?: S }): { id: string } | { status: S } {
  if (opts.id !== undefined) return { id: opts.id };
  if (opts.status !== undefined) return { status: opts.status };
  throw new CliError('give --status or --id', 2);
}

const statusOption = (choices: readonly string[]) =>
  new Option('--status <status>', 'only mail with this status').choices(choices);
const idOption = () =>
  new Option('--id <id>', 'one inbound email').argParser(inboundId).conflicts('status');

/** `desk …`: every action reads the validated config and calls the domain the API calls. */
export function buildProgram(run: (action: Action) => Promise<void>): Command {
  const program = new Command('desk')
    .description('operate a desk: tokens, received mail, health checks')
    .showSuggestionAfterError()
    // errors come back to runCli, which picks the exit code; subcommands inherit this
    .exitOverride();

  const token = program.command('token').description('API tokens');
  token
    .command('create')
    .description('create an API token and print it once (stored hashed)')
    .option('--admin', 'for the instance admin, created first when there is none', false)
    .option('--name <name>', 'what the token is for', 'cli')
    .action((opts: { admin: boolean; name: string }) =>
      run(() => createTokenCommand(loadConfig(), opts)),
    );

  const inbound = program.command('inbound').description('received mail (operators)');
  inbound
    .command('list')
    .description('received mail, newest first')
    .addOption(statusOption(INBOUND_STATUSES))
    .option('--limit <n>', 'at most this many', positive(10_000), 20)
    .option('--json', 'JSON for scripts instead of a table', false)
    .action((opts: { status?: InboundStatus; limit: number; json: boolean }) =>
      run(() => listInboundCommand(loadConfig(), opts)),
    );
  inbound
    .command('reprocess')
    .description('send failed or ignored mail through the pipeline again')
    .addOption(statusOption(['failed', 'ignored']))
    .addOption(idOption())
    .action((opts: { status?: 'failed' | 'ignored'; id?: string }) =>
      run(() => reprocessInboundCommand(loadConfig(), target(opts))),
    );
  inbound
    .command('export')
    .description('write each email as received to DIR/<id>.eml')
    .addOption(statusOption(INBOUND_STATUSES))
    .addOption(idOption())
    .requiredOption('--out <dir>', 'directory to write to (created if missing)')
    .option('--limit <n>', 'at most this many, newest first', positive(100_000), 1000)
    .action((opts: { status?: InboundStatus; id?: string; out: string; limit: number }) =>
      run(() => {
        const which = target(opts);
        return exportInboundCommand(
          loadConfig(),
          'id' in which ? which : { ...which, limit: opts.limit },
          opts.out,
        );
      }),
    );

  program
    .command('doctor')
    .description('check PostgreSQL, migrations, Redis, ports and admin access')
    .action(() => run(() => doctorCommand(loadConfig())));

  return program;
}
