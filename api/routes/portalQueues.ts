// Every list the portal reads, capability by capability (api/operations.ts serves them with the rest; the
// caller, GET /v1/me, is api/routes/auth.ts's).
import { certificationQueueRoutes } from './certificationQueues';
import { creditsQueueRoutes } from './creditsQueues';
import { incentivesQueueRoutes } from './incentivesQueues';
import { loyaltyQueueRoutes } from './loyaltyQueues';
import { noticeQueueRoutes } from './noticeQueues';

export const queueRoutes = [
  ...loyaltyQueueRoutes,
  ...creditsQueueRoutes,
  ...certificationQueueRoutes,
  ...incentivesQueueRoutes,
  ...noticeQueueRoutes,
];
