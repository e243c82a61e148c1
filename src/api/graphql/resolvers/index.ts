import { scalarResolvers } from '../scalars';
import { crmMutationResolvers } from './crm-mutations.resolvers';
import { crmLoaders, crmTypeResolvers } from './crm-types.resolvers';
import { groupResolvers } from './group.resolvers';
import { issueContactsResolvers } from './issue-contacts.resolvers';
import { queryResolvers } from './query.resolvers';

export const resolvers = {
  ...scalarResolvers,
  ...queryResolvers,
  ...groupResolvers,
  ...crmTypeResolvers,
  Mutation: { ...crmMutationResolvers.Mutation, ...issueContactsResolvers.Mutation },
};

export const loaders = crmLoaders;
