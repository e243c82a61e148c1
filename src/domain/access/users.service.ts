import type { User } from '../../../entities/user.entity';
import type { TokenSummary } from '../../repositories/api-token.repository';
import type { Store } from '../../repositories/store';
import { ForbiddenError, NotFoundError } from '../../errors';
import type { Actor } from './actor';
import { toPage, type Page, type PageRequest } from '../pagination';
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

export async function listUsers(
  store: Store,
  actor: Actor,
  search: string | undefined,
  page: PageRequest,
): Promise<Page<User>> {
  if (!actor.isAdmin) throw new ForbiddenError('only instance admins list users');
  return store.run(async (repos) =>
    toPage(await repos.users.list(search, page.cursor, page.limit + 1), page.limit),
  );
}

function assertManagesTokensOf(actor: Actor, userId: number): void {
  if (!actor.isAdmin && actor.userId !== userId)
    throw new ForbiddenError('only instance admins manage other users’ tokens');
}

/** A user's tokens without their secrets (only a hash is stored anyway). */
export async function listTokens(
  store: Store,
  actor: Actor,
  userId: number,
  page: PageRequest,
): Promise<Page<TokenSummary>> {
  assertManagesTokensOf(actor, userId);
  return store.run(async (repos) => {
    if (!(await repos.users.findById(userId))) throw new NotFoundError('user not found');
    const rows = await repos.apiTokens.listForUser(userId, page.cursor, page.limit + 1);
    return toPage(rows, page.limit);
  });
}

/** Takes effect on the next request: every request looks its token up, nothing caches it. */
export async function revokeToken(
  store: Store,
  actor: Actor,
  userId: number,
  tokenId: number,
): Promise<void> {
  assertManagesTokensOf(actor, userId);
  const found = await store.run((repos) => repos.apiTokens.revoke(userId, tokenId));
  if (!found) throw new NotFoundError('token not found');
}
