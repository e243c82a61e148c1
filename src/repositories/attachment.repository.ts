import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Attachment } from '../../entities/attachment.entity';
import { COPY_ATTACHMENTS_IN } from './sql/copy-raw-bytes.sql';
import { copyRowsIn } from './sql/pg-copy';

export interface NewAttachment {
  filename: string;
  contentType: string;
  contentId: string | null;
  /** The content in pieces; they go to PostgreSQL one by one, never joined here. */
  chunks: readonly Buffer[];
}

export class AttachmentRepository {
  constructor(private readonly em: EntityManager) {}

  /** COPY rather than INSERT: an 18 MB bound parameter would be copied whole into pg's writer. */
  async addMany(
    owner: { workItemId: number; noteId: number | null; inboundEmailId: string },
    attachments: NewAttachment[],
  ): Promise<void> {
    if (attachments.length === 0) return;
    await copyRowsIn(
      this.em,
      COPY_ATTACHMENTS_IN,
      attachments.map((a) => {
        const hash = createHash('sha256');
        let size = 0;
        for (const chunk of a.chunks) {
          hash.update(chunk);
          size += chunk.length;
        }
        return [
          { int4: owner.workItemId },
          owner.noteId === null ? { text: null } : { int4: owner.noteId },
          { int8: owner.inboundEmailId },
          { text: a.filename.slice(0, 255) },
          { text: a.contentType.slice(0, 255) },
          { text: a.contentId?.slice(0, 255) ?? null },
          { int4: size },
          { text: hash.digest('hex') },
          { bytea: a.chunks, size },
        ];
      }),
    );
  }

  listForWorkItem(workItemId: number): Promise<Omit<Attachment, 'content'>[]> {
    return this.em.find(Attachment, {
      where: { workItemId },
      order: { id: 'ASC' },
      select: {
        id: true,
        workItemId: true,
        noteId: true,
        inboundEmailId: true,
        filename: true,
        contentType: true,
        contentId: true,
        size: true,
        sha256: true,
        createdAt: true,
      },
    });
  }
}
