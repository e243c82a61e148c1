import type { Actor } from '../../domain/access/actor';
import type { Store } from '../../repositories/store';

/** What every resolver and loader gets: who asks (from the bearer token) and the store. */
export interface GraphqlContext {
  actor: Actor;
  store: Store;
}

declare module 'mercurius' {
  // mercurius's way to type the context its resolvers and loaders receive
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface MercuriusContext extends GraphqlContext {}
}
