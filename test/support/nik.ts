// Valid NIKs, KKs and profiles: scripts/lib/nik.ts, which the demo uses too.
export {
  type Identity,
  type NikParts,
  NO_DECLARATIONS,
  profileBody,
  type RandomInt,
  randomIdentity,
  validKk,
  validNik,
} from '../../scripts/lib/nik.ts';
