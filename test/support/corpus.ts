import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CORPUS = join(__dirname, '..', '..', '..', 'shared', 'fixtures', 'emails');

export interface CorpusEntry {
  path: string;
  bytes: number;
  hasMessageId: boolean;
  contentType: string;
  tags: string[];
}

export function corpusIndex(): CorpusEntry[] {
  const [, ...rows] = readFileSync(join(CORPUS, 'index.tsv'), 'utf8').trim().split('\n');
  return rows.map((row) => {
    const [path = '', bytes = '0', hasMessageId = 'n', contentType = '', , , tags = ''] =
      row.split('\t');
    return {
      path,
      bytes: Number(bytes),
      hasMessageId: hasMessageId === 'y',
      contentType,
      tags: tags ? tags.split(',') : [],
    };
  });
}

/** The message as an MTA would hand it over: without the mbox `From ` line some files keep. */
export function readCorpusMessage(path: string): Buffer {
  const raw = readFileSync(join(CORPUS, path));
  if (raw.subarray(0, 5).toString('latin1') !== 'From ') return raw;
  const eol = raw.indexOf(0x0a);
  return eol === -1 ? raw : raw.subarray(eol + 1);
}
