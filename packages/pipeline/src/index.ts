export { type GateRows, gateOnRows, modelEvidence, type PromotionPolicy } from './gate';
export {
  type RaceCandidate,
  type RaceMode,
  type RaceOptions,
  type RaceOutcome,
  type RaceResult,
  raceCandidates,
  raceStrategies,
  type Verdict,
} from './race';
