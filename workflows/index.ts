// The worker's workflow bundle entry: every workflow type, by name.
export { loyaltyAccount } from './loyalty';
export { creditLot } from './credits';
export { redemptionHolds, deliverNotice, examVouchers } from './creditsSchedules';
export { monthlyStatements } from './creditsSchedules';
export { certification } from './certification';
export { incentiveEngagement } from './incentives';
