import type { Store } from '../../repositories/store';
import { TooManyAttemptsError } from '../../errors';
import type { Actor } from './actor';
import { sameDigest, sha256Hex } from './api-token';
import type { TokenGuesses } from './token-guesses';

export interface AuthDeps {
  store: Store;
  /** sha256 of ADMIN_TOKEN, when one is configured. */
  adminTokenSha256: string | null;
  /** Counts unknown tokens per client; absent, nothing is counted. */
  guesses?: TokenGuesses;
}

/** desk's own tokens are 48 characters; a longer one is nobody's, and not worth hashing. */
const MAX_TOKEN_LENGTH = 1024;

/**
 * The actor behind a bearer token, or null when the token is unknown or revoked. `client` (an
 * address) is refused with TooManyAttemptsError once it has presented too many unknown tokens.
 */
export async function authenticate(
  deps: AuthDeps,
  token: string,
  client: string,
): Promise<Actor | null> {
  const { guesses } = deps;
  const waitMs = guesses ? await guesses.waitMs(client) : 0;
  if (waitMs > 0) throw new TooManyAttemptsError(Math.ceil(waitMs / 1000));
  const actor = token.length <= MAX_TOKEN_LENGTH ? await actorOf(deps, token) : null;
  if (!actor) await guesses?.record(client);
  return actor;
}

async function actorOf(deps: AuthDeps, token: string): Promise<Actor | null> {
  const digest = sha256Hex(token);
  if (deps.adminTokenSha256 && sameDigest(digest, deps.adminTokenSha256))
    return { userId: null, isAdmin: true };
  const owner = await deps.store.run((repos) => repos.apiTokens.findActive(digest));
  if (!owner || !sameDigest(digest, owner.tokenSha256)) return null;
  await deps.store.run((repos) => repos.apiTokens.touch(owner.tokenId));
  return { userId: owner.userId, isAdmin: owner.isAdmin };
}
