import { baseSdl } from './base.sdl';
import { crmSdl } from './crm.sdl';
import { groupProjectSdl } from './group-project.sdl';
import { mutationsSdl } from './mutations.sdl';

/** The whole schema; docs/schema.graphql is its printed form. */
export const typeDefs = [baseSdl, groupProjectSdl, crmSdl, mutationsSdl].join('\n');
