import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { AuthDeps } from '../../domain/access/authenticate.service';
import { requireSignedIn } from '../auth';
import { LOGIN_PATH, LOGOUT_PATH } from './login.routes';

export const QUEUES_PATH = '/admin/queues';

/** Bull Board for every queue, for instance admins (bearer token or the login form's session). */
export function adminQueuesRoutes(deps: AuthDeps, queues: readonly Queue[]) {
  return async (app: FastifyInstance) => {
    requireSignedIn(app, deps, {
      loginPath: LOGIN_PATH,
      admit: (actor) => actor.isAdmin,
      refusal: 'Bull Board is for instance admins only.',
    });
    const board = new FastifyAdapter();
    createBullBoard({
      queues: queues.map((queue) => new BullMQAdapter(queue)),
      serverAdapter: board,
      options: {
        uiConfig: {
          boardTitle: 'desk queues',
          hideDocsLink: true,
          miscLinks: [{ text: 'Sign out', url: LOGOUT_PATH }],
        },
      },
    });
    board.setBasePath(QUEUES_PATH);
    await app.register(board.registerPlugin(), { prefix: QUEUES_PATH });
  };
}
