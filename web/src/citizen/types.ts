// What the citizen pages read from the API (API.md); only the fields shown.
export interface Me {
  accountId: string;
  fullName: string;
  email: string;
  phone: string;
  verification: { email: boolean; phone: boolean };
  profile: { nikMasked: string } | null;
  profileComplete: boolean;
  waves: Array<{ waveId: string; outcome: string }>;
  participant: { cardNumber: string; balanceIdr: number; status: string; purchaseDeadline: string } | null;
  payoutAccount: { partnerCode: string; accountNumberMasked: string; status: string; reason?: string } | null;
}

export interface Wave {
  waveId: string;
  name: string;
  status: string;
  opensAt: string;
  closesAt: string;
}
