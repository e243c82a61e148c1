import type { Job } from 'bullmq';
import type { JobName } from '../src/queue/jobs';

export interface WorkerDefinition {
  queue: JobName;
  process(job: Job): Promise<unknown>;
  /** Called once a job will not be tried again, to leave its reason where operators look. */
  giveUp(job: Job, reason: string): Promise<void>;
}
