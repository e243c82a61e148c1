import type { EntityManager } from 'typeorm';
import { ApiToken } from '../../entities/api-token.entity';
import { User } from '../../entities/user.entity';

export interface TokenOwner {
  tokenId: number;
  tokenSha256: string;
  userId: number;
  isAdmin: boolean;
}

/** What may be shown of a token: never its hash. */
export type TokenSummary = Pick<ApiToken, 'id' | 'name' | 'createdAt' | 'lastUsedAt' | 'revokedAt'>;

export class ApiTokenRepository {
  constructor(private readonly em: EntityManager) {}

  async create(userId: number, name: string, tokenSha256: string): Promise<ApiToken> {
    return this.em.save(this.em.create(ApiToken, { userId, name, tokenSha256 }));
  }

  /** The live token with this hash and whether its user is an instance admin. */
  async findActive(tokenSha256: string): Promise<TokenOwner | null> {
    const row = await this.em
      .createQueryBuilder(ApiToken, 't')
      .innerJoin(User, 'u', 'u.id = t.user_id')
      .select('t.id', 'tokenId')
      .addSelect('t.token_sha256', 'tokenSha256')
      .addSelect('t.user_id', 'userId')
      .addSelect('u.is_admin', 'isAdmin')
      .where('t.token_sha256 = :tokenSha256 AND t.revoked_at IS NULL', { tokenSha256 })
      .getRawOne<TokenOwner>();
    return row ?? null;
  }

  /** Whether some instance admin holds a token that is not revoked. */
  async adminTokenExists(): Promise<boolean> {
    return this.em
      .createQueryBuilder(ApiToken, 't')
      .innerJoin(User, 'u', 'u.id = t.user_id')
      .where('u.is_admin AND t.revoked_at IS NULL')
      .getExists();
  }

  /** At most one write a minute per token, so a busy client does not turn reads into writes. */
  async touch(tokenId: number): Promise<void> {
    await this.em
      .createQueryBuilder()
      .update(ApiToken)
      .set({ lastUsedAt: () => 'now()' })
      .where('id = :tokenId', { tokenId })
      .andWhere("(last_used_at IS NULL OR last_used_at < now() - interval '1 minute')")
      .execute();
  }

  /** One page of a user's tokens in id order, revoked ones included. */
  listForUser(userId: number, afterId: number | null, limit: number): Promise<TokenSummary[]> {
    const q = this.em
      .createQueryBuilder(ApiToken, 't')
      .select(['t.id', 't.name', 't.createdAt', 't.lastUsedAt', 't.revokedAt'])
      .where('t.user_id = :userId', { userId })
      .orderBy('t.id', 'ASC')
      .limit(limit);
    if (afterId !== null) q.andWhere('t.id > :afterId', { afterId });
    return q.getMany();
  }

  /** Revokes a user's token (a revoked one keeps its time); false when the user has no such token. */
  async revoke(userId: number, tokenId: number): Promise<boolean> {
    await this.em
      .createQueryBuilder()
      .update(ApiToken)
      .set({ revokedAt: () => 'now()' })
      .where('id = :tokenId AND user_id = :userId AND revoked_at IS NULL', { tokenId, userId })
      .execute();
    return this.em.existsBy(ApiToken, { id: tokenId, userId });
  }
}
