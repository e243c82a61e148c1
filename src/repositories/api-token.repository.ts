import type { EntityManager } from 'typeorm';
import { ApiToken } from '../../entities/api-token.entity';
import { User } from '../../entities/user.entity';

export interface TokenOwner {
  tokenId: number;
  tokenSha256: string;
  userId: number;
  isAdmin: boolean;
}

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
}
