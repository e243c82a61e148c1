import type { Store } from '../../repositories/store';
import type { Actor } from './actor';
import { sameDigest, sha256Hex } from './api-token';

export interface AuthDeps {
  store: Store;
  /** sha256 of ADMIN_TOKEN, when one is configured. */
  adminTokenSha256: string | null;
}

/** The actor behind a bearer token, or null when the token is unknown or revoked. */
export async function authenticate(deps: AuthDeps, token: string): Promise<Actor | null> {
  const digest = sha256Hex(token);
  if (deps.adminTokenSha256 && sameDigest(digest, deps.adminTokenSha256))
    return { userId: null, isAdmin: true };
  const owner = await deps.store.run((repos) => repos.apiTokens.findActive(digest));
  if (!owner || !sameDigest(digest, owner.tokenSha256)) return null;
  await deps.store.run((repos) => repos.apiTokens.touch(owner.tokenId));
  return { userId: owner.userId, isAdmin: owner.isAdmin };
}
