// The lists other agencies send (DOMAIN.md): one exclusion list per excluded group, and
// `blocked` for NIKs the programme itself blocks (revocations, fraud).
export const EXCLUSION_LISTS = [
  'civil-servants',
  'military-police',
  'students',
  'village-officials',
  'state-enterprise-boards',
  'aid-recipients',
  'blocked',
] as const;
export type ExclusionList = (typeof EXCLUSION_LISTS)[number];

export function isExclusionList(name: string): name is ExclusionList {
  return (EXCLUSION_LISTS as readonly string[]).includes(name);
}
