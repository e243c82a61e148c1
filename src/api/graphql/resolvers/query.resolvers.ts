import type { Project } from '../../../../entities/project.entity';
import type { WorkItem } from '../../../../entities/work-item.entity';
import { listWorkItemContactRecords } from '../../../domain/crm/work-item-contacts.service';
import { listGroups } from '../../../domain/groups/groups.service';
import { findProjectByFullPath } from '../../../domain/projects/projects.service';
import { getWorkItem } from '../../../domain/work-items/work-items.service';
import { sliceToConnection, type PageArgs } from '../connection';
import type { GraphqlContext } from '../context';
import { nullWhenHidden } from '../errors';
import { MODEL, toGid } from '../global-id';
import { iidOf } from '../input';

type ProjectWithPath = Project & { fullPath: string };

/** Query.group and Query.project, and the way from a project to an issue's contacts. */
export const queryResolvers = {
  Query: {
    /** Exact full path, case-insensitive; what the actor cannot see is null. */
    async group(_root: unknown, { fullPath }: { fullPath: string }, ctx: GraphqlContext) {
      const page = await listGroups(ctx.store, ctx.actor, { fullPath }, { cursor: null, limit: 1 });
      return page.items[0] ?? null;
    },
    project: (_root: unknown, { fullPath }: { fullPath: string }, ctx: GraphqlContext) =>
      findProjectByFullPath(ctx.store, ctx.actor, fullPath),
  },
  Project: {
    id: (project: ProjectWithPath) => toGid(MODEL.project, project.id),
    async issue(project: ProjectWithPath, { iid }: { iid?: string | null }, ctx: GraphqlContext) {
      const n = iidOf(iid);
      if (n === null) return null;
      return nullWhenHidden(() => getWorkItem(ctx.store, ctx.actor, project.id, n));
    },
  },
  Issue: {
    id: (item: WorkItem) => toGid(MODEL.issue, item.id),
    iid: (item: WorkItem) => String(item.iid),
    state: (item: WorkItem) => (item.state === 'open' ? 'opened' : 'closed'),
    customerRelationsContacts: (item: WorkItem, args: PageArgs, ctx: GraphqlContext) =>
      nullWhenHidden(async () =>
        sliceToConnection(
          await listWorkItemContactRecords(ctx.store, ctx.actor, item.projectId, item.iid),
          args,
        ),
      ),
  },
};
