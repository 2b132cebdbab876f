import {
  SchedulerServiceTaskInvocationDefinition,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import express from 'express';

/** A scheduled task of a feature, as the scheduler takes it. */
export type FeatureTask = SchedulerServiceTaskScheduleDefinition &
  SchedulerServiceTaskInvocationDefinition;

/** What one feature gives the plugin to mount. */
export interface ClusterAccessFeature {
  router: express.Router;
  tasks: FeatureTask[];
  /** Called when the backend shuts down. */
  shutdown(): Promise<void>;
}
