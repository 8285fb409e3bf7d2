// Every operation of the API, capability by capability: what app.ts serves and openapi.ts documents.
import type { Operation } from './route';
import { authRoutes } from './routes/auth';
import { auditRoutes } from './routes/audit';
import { certificationRoutes } from './routes/certification';
import { creditsRoutes } from './routes/credits';
import { incentivesRoutes } from './routes/incentives';
import { loyaltyRoutes } from './routes/loyalty';
import { queueRoutes } from './routes/portalQueues';

export const operations: readonly Operation[] = [
  ...authRoutes,
  ...loyaltyRoutes,
  ...creditsRoutes,
  ...certificationRoutes,
  ...incentivesRoutes,
  ...queueRoutes,
  ...auditRoutes,
];
