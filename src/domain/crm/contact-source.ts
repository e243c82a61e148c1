import type { AncestorSetting } from '../../repositories/group.repository';

// the repository returns chains of these; re-exported for the domain code that names them here
export type { AncestorSetting };

/**
 * The contact source of the last group in `chain` (ordered root first): its own configured
 * source, else the nearest ancestor's, else the top-level group (GitLab's rule).
 */
export function resolveContactSource(chain: readonly AncestorSetting[]): number {
  const root = chain[0];
  if (!root) throw new Error('a group chain cannot be empty');
  for (let i = chain.length - 1; i >= 0; i--) {
    const source = chain[i]?.sourceGroupId;
    if (source !== null && source !== undefined) return source;
  }
  return root.groupId;
}
