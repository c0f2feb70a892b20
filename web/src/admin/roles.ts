// What each console role may do, mirrored from ROLES_BY_ACCESS in platform/http/auth.ts
// (that module brings jose and the server's keys; test/unit/admin-roles.test.ts keeps the
// two in step). The server decides; the console only hides what would be refused.
export const CONSOLE_ROLES = ['admin', 'approver'] as const;
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

export const ROLES_BY_ACCESS = {
  /** Operates: waves, lists, selection, partners and keys, payout runs, reconciliation. */
  admin: ['admin'],
  /** Reads what an admin reads. */
  staff: ['admin', 'approver'],
  /** Approves payout runs (never their own). */
  approver: ['approver'],
} as const satisfies Record<string, readonly ConsoleRole[]>;

export type ConsoleAccess = keyof typeof ROLES_BY_ACCESS;

export function isConsoleRole(role: string): role is ConsoleRole {
  return (CONSOLE_ROLES as readonly string[]).includes(role);
}

export function allows(access: ConsoleAccess, role: string | undefined): boolean {
  return !!role && (ROLES_BY_ACCESS[access] as readonly string[]).includes(role);
}
