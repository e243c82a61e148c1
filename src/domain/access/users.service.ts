import type { User } from '../../../entities/user.entity';
import type { Store } from '../../repositories/store';
import { ForbiddenError, NotFoundError } from '../../errors';
import type { Actor } from './actor';
import { generateToken, sha256Hex } from './api-token';

export async function createUser(
  store: Store,
  actor: Actor,
  input: { username: string; name: string; email: string; isAdmin?: boolean },
): Promise<User> {
  if (!actor.isAdmin) throw new ForbiddenError('only instance admins manage users');
  return store.run((repos) => repos.users.create({ ...input, isAdmin: input.isAdmin ?? false }));
}

/** Issues a token for a user; the token itself is returned here once and only its hash is kept. */
export async function createToken(
  store: Store,
  actor: Actor,
  userId: number,
  name: string,
): Promise<{ id: number; name: string; token: string; createdAt: Date }> {
  if (!actor.isAdmin && actor.userId !== userId)
    throw new ForbiddenError('only instance admins create tokens for other users');
  return store.run(async (repos) => {
    const user = await repos.users.findById(userId);
    if (!user) throw new NotFoundError('user not found');
    const token = generateToken();
    const row = await repos.apiTokens.create(userId, name, sha256Hex(token));
    return { id: row.id, name: row.name, token, createdAt: row.createdAt };
  });
}

/**
 * A new token for the oldest instance admin, who is created first when there is none: how an
 * operator gets the first admin token without SQL. `createdUser` says which happened.
 */
export async function createAdminToken(
  store: Store,
  actor: Actor,
  input: { tokenName: string; email: string },
): Promise<{ user: User; createdUser: boolean; token: string }> {
  if (!actor.isAdmin) throw new ForbiddenError('only instance admins create admin tokens');
  const existing = await store.run((repos) => repos.users.firstAdmin());
  const user =
    existing ??
    (await createUser(store, actor, {
      username: 'admin',
      name: 'Administrator',
      email: input.email,
      isAdmin: true,
    }));
  const { token } = await createToken(store, actor, user.id, input.tokenName);
  return { user, createdUser: existing === null, token };
}

/** Whether an instance admin holds a live token (ADMIN_TOKEN aside). */
export async function adminTokenExists(store: Store): Promise<boolean> {
  return store.run((repos) => repos.apiTokens.adminTokenExists());
}
