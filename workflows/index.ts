// The worker's workflow bundle entry: every workflow type, by name.
export { loyaltyAccount } from './loyaltyAccount';
export { creditLot } from './creditLot';
export { redemptionHolds, deliverNotice } from './redemptionHolds';
export { monthlyStatements } from './monthlyStatements';
export { certification } from './certification';
export { incentiveEngagement } from './incentiveEngagement';
