// Every list the portal reads, capability by capability (api/operations.ts serves them with the rest).
import { certificationQueueRoutes } from './certificationQueues';
import { creditsQueueRoutes } from './creditsQueues';
import { incentivesQueueRoutes } from './incentivesQueues';
import { loyaltyQueueRoutes } from './loyaltyQueues';
import { sharedQueueRoutes } from './sharedQueues';

export const queueRoutes = [
  ...sharedQueueRoutes,
  ...loyaltyQueueRoutes,
  ...creditsQueueRoutes,
  ...certificationQueueRoutes,
  ...incentivesQueueRoutes,
];
