import type { UseCase } from './incentives';

// LCI-1: the sample catalogue seeded into Postgres (two technologies); ops replace it through the API.
const phases = (metric: string, steps: [string, number, number][]) => steps.map(([name, threshold, paymentUsd]) => ({ name, paymentUsd, goals: [{ metric: 'devices_reporting_pct', comparison: '>=' as const, threshold: 80 }, { metric, comparison: '>=' as const, threshold }] }));

export const SAMPLE_CATALOGUE: UseCase[] = [
  {
    id: 'collab-meetings',
    technology: 'Collaboration (Webex)',
    name: 'Hybrid meetings',
    phases: phases('active_users_pct', [['Onboard', 10, 2000], ['Implement', 25, 3000], ['Use', 40, 4000], ['Adopt', 60, 5000], ['Optimize', 75, 6000]]),
  },
  {
    id: 'security-mfa',
    technology: 'Security (Duo)',
    name: 'Multi-factor authentication',
    phases: phases('enrolled_users_pct', [['Onboard', 10, 1500], ['Implement', 30, 2500], ['Use', 50, 3500], ['Adopt', 70, 4500], ['Optimize', 90, 5500]]),
  },
];
