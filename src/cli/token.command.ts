import type { Config } from '../config/env';
import { createAdminToken } from '../domain/access/users.service';
import { CliError } from './cli-error';
import { OPERATOR, withStore } from './cli-session';
import { print } from './output';

/**
 * Prints the new token alone on stdout (`TOKEN=$(desk token create --admin)`); which admin holds
 * it goes to stderr. Only its sha256 is stored, so this is the one time it is shown.
 */
export async function createTokenCommand(
  config: Config,
  opts: { admin: boolean; name: string },
): Promise<void> {
  if (!opts.admin)
    throw new CliError(
      'pass --admin: tokens of other users come from POST /api/v1/users/:id/tokens',
      2,
    );
  const issued = await withStore(config, (store) =>
    createAdminToken(store, OPERATOR, {
      tokenName: opts.name,
      email: `admin@${config.SERVICE_DESK_DOMAIN}`,
    }),
  );
  const who = `instance admin "${issued.user.username}" (user ${issued.user.id})`;
  process.stderr.write(
    `${issued.createdUser ? 'created' : 'using'} ${who}; token "${opts.name}", shown once:\n`,
  );
  print(issued.token);
}
