import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Attachment } from '../../entities/attachment.entity';

export interface NewAttachment {
  filename: string;
  contentType: string;
  contentId: string | null;
  content: Buffer;
}

export class AttachmentRepository {
  constructor(private readonly em: EntityManager) {}

  async addMany(
    owner: { workItemId: number; noteId: number | null; inboundEmailId: string },
    attachments: NewAttachment[],
  ): Promise<void> {
    if (attachments.length === 0) return;
    await this.em.insert(
      Attachment,
      attachments.map((a) => ({
        ...owner,
        filename: a.filename.slice(0, 255),
        contentType: a.contentType.slice(0, 255),
        contentId: a.contentId?.slice(0, 255) ?? null,
        size: a.content.length,
        sha256: createHash('sha256').update(a.content).digest('hex'),
        content: a.content,
      })),
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
