import type { EntityManager } from 'typeorm';
import { ApiToken } from '../../entities/api-token.entity';

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
    const rows: { id: number; token_sha256: string; user_id: number; is_admin: boolean }[] =
      await this.em.query(
        `SELECT t.id, t.token_sha256, t.user_id, u.is_admin
           FROM api_tokens t JOIN users u ON u.id = t.user_id
          WHERE t.token_sha256 = $1 AND t.revoked_at IS NULL`,
        [tokenSha256],
      );
    const row = rows[0];
    return row
      ? {
          tokenId: row.id,
          tokenSha256: row.token_sha256,
          userId: row.user_id,
          isAdmin: row.is_admin,
        }
      : null;
  }

  /** At most one write a minute per token, so a busy client does not turn reads into writes. */
  async touch(tokenId: number): Promise<void> {
    await this.em.query(
      `UPDATE api_tokens SET last_used_at = now()
        WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [tokenId],
    );
  }
}
