import { createHash } from 'node:crypto';
import { type Identity, NO_DECLARATIONS, randomIdentity, validNik } from '../lib/nik.ts';
import type { Random } from './random.ts';

// The synthetic wave, decided up front from the seed: who each citizen is and how far
// each one goes. The rates are plausible guesses for a wave, not programme figures.
export const RATES = {
  verifyEmail: 0.96, // of the registered
  verifyPhone: 0.96, // of the selected: the phone, verified when first needed (before buying)
  profile: 0.88, // of those who verified the email
  join: 0.95, // of those with a profile
  declares: 0.03, // of those who join: tick a declaration that excludes them (403 at join)
  underAge: 0.01, // born too late: refused at join
  onAgencyList: 0.05, // of the joiners: on a list an agency sends the PMO
  laidOff: 0.12, // work status laid off; most are on the labour ministry's list
  laidOffListed: 0.8,
  sharedKk: 0.03, // three members of one family card: the third is capped
  buy: 0.9, // of the selected
  complete: 0.85, // of the buyers
  review: 0.9, // of the completers
  survey1: 0.7, // of the reviewers
  survey2: 0.5, // of those who answered the first
  link: 0.92, // of the reviewers: a payout account
  rejectFirstRun: 0.04, // of the linked: the partner refuses the account in the first run
} as const;

export const PLATFORMS = [
  'tokopedia',
  'ruangguru',
  'bukalapak',
  'pintaria',
  'sekolahmu',
  'pijarmahir',
  'maubelajarapa',
  'kemnaker',
] as const;
/** Market shares, roughly as the programme reported them. */
const PLATFORM_WEIGHTS: Record<(typeof PLATFORMS)[number], number> = {
  tokopedia: 24,
  ruangguru: 20,
  bukalapak: 15,
  pintaria: 9,
  sekolahmu: 11,
  pijarmahir: 8,
  maubelajarapa: 5,
  kemnaker: 8,
};
export const PAYOUT_PARTNERS = ['bni', 'gopay', 'ovo', 'linkaja', 'dana'] as const;
/** 78% chose an e-wallet (DOMAIN.md). */
const PAYOUT_WEIGHTS: Record<(typeof PAYOUT_PARTNERS)[number], number> = {
  bni: 22,
  gopay: 25,
  ovo: 24,
  linkaja: 12,
  dana: 17,
};
const EXCLUSIONS = [
  'civil-servants',
  'students',
  'aid-recipients',
  'village-officials',
  'military-police',
  'state-enterprise-boards',
] as const;
const DECLARATIONS = ['student', 'civilServant', 'otherAidRecipient', 'militaryOrPolice'] as const;

const FIRST = [
  'Siti',
  'Budi',
  'Dewi',
  'Agus',
  'Rina',
  'Andi',
  'Putri',
  'Rizky',
  'Nur',
  'Eko',
  'Ayu',
  'Dimas',
  'Fitri',
  'Hendra',
  'Indah',
  'Joko',
  'Kartika',
  'Lestari',
  'Made',
  'Nyoman',
  'Wayan',
  'Yusuf',
  'Ratna',
  'Slamet',
  'Teguh',
  'Wulan',
  'Bayu',
  'Citra',
  'Fajar',
  'Gita',
  'Ilham',
  'Maya',
];
const LAST = [
  'Aminah',
  'Santoso',
  'Lestari',
  'Wijaya',
  'Saputra',
  'Hidayat',
  'Kurniawan',
  'Pratama',
  'Rahayu',
  'Setiawan',
  'Nugroho',
  'Siregar',
  'Nasution',
  'Harahap',
  'Simanjuntak',
  'Putra',
  'Wati',
  'Susanto',
  'Hakim',
  'Syahputra',
  'Utami',
  'Gunawan',
  'Permana',
  'Sihombing',
  'Manurung',
  'Ramadhan',
];
const EDUCATION = ['primary', 'junior_high', 'senior_high', 'senior_high', 'diploma', 'bachelor'] as const;

export interface CitizenPlan {
  index: number;
  fullName: string;
  email: string;
  phone: string;
  password: string;
  identity: Identity;
  education: string;
  workStatus: 'unemployed' | 'laid_off' | 'employed' | 'micro_business';
  verifiesEmail: boolean;
  /** Once selected: the phone verified when it is first needed (before the first purchase). */
  verifiesPhone: boolean;
  fillsProfile: boolean;
  joins: boolean;
  /** A declaration that excludes (ticked honestly): refused at join. */
  declares?: (typeof DECLARATIONS)[number];
  underAge: boolean;
  /** On an agency's exclusion list the PMO imports. */
  agencyList?: (typeof EXCLUSIONS)[number];
  laidOffListed: boolean;
  platform: (typeof PLATFORMS)[number];
  course: number;
  buys: boolean;
  completes: boolean;
  reviews: boolean;
  rating: number;
  surveys: number;
  links: boolean;
  payoutPartner: (typeof PAYOUT_PARTNERS)[number];
  /** The bank account number, for a bank (an e-wallet is the registered phone). */
  bankAccount: string;
  rejectedInFirstRun: boolean;
}

export interface CoursePlan {
  platform: (typeof PLATFORMS)[number];
  courseId: string;
  title: string;
  institution: { id: string; name: string };
  priceIdr: number;
  mode: 'online' | 'offline' | 'webinar';
  category: string;
}

const TOPICS: [string, string][] = [
  ['Pemasaran digital untuk UMKM', 'marketing'],
  ['Dasar-dasar akuntansi', 'finance'],
  ['Desain grafis dengan Canva', 'design'],
  ['Barista profesional', 'hospitality'],
  ['Menjahit dan tata busana', 'craft'],
  ['Pemrograman web pemula', 'it'],
  ['Bahasa Inggris untuk kerja', 'language'],
  ['Teknisi AC dan kulkas', 'technical'],
  ['Fotografi produk', 'design'],
  ['Manajemen gudang', 'logistics'],
];
export const COURSES_PER_PLATFORM = 4;

export function planCourses(random: Random): CoursePlan[] {
  return PLATFORMS.flatMap((platform) =>
    Array.from({ length: COURSES_PER_PLATFORM }, (_, c) => {
      const [title, category] = random.pick(TOPICS);
      const lp = random.int(1, 20);
      return {
        platform,
        courseId: `demo-${c + 1}`,
        title,
        institution: { id: `lp-${platform}-${lp}`, name: `LP ${random.pick(LAST)} ${lp}` },
        // Rp 150.000 to Rp 1.500.000 in steps of Rp 50.000; the ministry's own is free of fees, not of price.
        priceIdr: random.int(3, 31) * 50_000,
        mode: random.weighted({ online: 6, webinar: 3, offline: 1 }),
        category,
      };
    }),
  );
}

/** N citizens with unique emails, phones and NIKs (and a few family cards held by three). */
export function planCitizens(n: number, seed: string, random: Random): CitizenPlan[] {
  const tag = createHash('sha256').update(seed).digest('hex').slice(0, 8);
  const phones = new Set<string>();
  const niks = new Set<string>();
  const citizens: CitizenPlan[] = [];
  for (let index = 0; index < n; index++) {
    const first = random.pick(FIRST);
    const last = random.pick(LAST);
    let phone: string;
    do phone = `+628${random.int(1, 10)}${random.digits(9)}`;
    while (phones.has(phone));
    phones.add(phone);
    const underAge = random.chance(RATES.underAge);
    let identity: Identity;
    do {
      identity = randomIdentity(
        underAge ? { birthDate: `${random.int(2010, 2012)}-0${random.int(1, 10)}-1${random.int(0, 9)}` } : {},
        random.int,
      );
    } while (niks.has(identity.nik));
    niks.add(identity.nik);
    // A family card held by three: this citizen and the one before join the family of the
    // one before that (same card, same province; their NIKs are issued there).
    if (citizens.length >= 2 && random.chance(RATES.sharedKk)) {
      const head = citizens[citizens.length - 2]!.identity;
      const member = (person: Identity): Identity => {
        niks.delete(person.nik);
        const moved = { ...person, provinceCode: head.provinceCode, kk: head.kk };
        do moved.nik = validNik(moved, random.int);
        while (niks.has(moved.nik));
        niks.add(moved.nik);
        return moved;
      };
      const previous = citizens[citizens.length - 1]!;
      previous.identity = member(previous.identity);
      identity = member(identity);
    }
    const laidOff = random.chance(RATES.laidOff);
    const verifiesEmail = random.chance(RATES.verifyEmail);
    // Only the selected are asked for the phone; who never verifies it cannot buy.
    const verifiesPhone = random.chance(RATES.verifyPhone);
    const fillsProfile = verifiesEmail && random.chance(RATES.profile);
    const joins = fillsProfile && random.chance(RATES.join);
    const buys = verifiesPhone && random.chance(RATES.buy);
    const completes = buys && random.chance(RATES.complete);
    const reviews = completes && random.chance(RATES.review);
    const survey1 = reviews && random.chance(RATES.survey1);
    const links = reviews && random.chance(RATES.link);
    citizens.push({
      index,
      fullName: `${first} ${last}`,
      email: `${first}.${last}.${index}.${tag}@example.com`.toLowerCase(),
      phone,
      password: `demo-${tag}-${random.digits(6)}`,
      identity,
      education: random.pick(EDUCATION),
      workStatus: laidOff ? 'laid_off' : random.weighted({ unemployed: 6, employed: 2, micro_business: 2 }),
      verifiesEmail,
      verifiesPhone,
      fillsProfile,
      joins,
      ...(random.chance(RATES.declares) ? { declares: random.pick(DECLARATIONS) } : {}),
      underAge,
      ...(random.chance(RATES.onAgencyList) ? { agencyList: random.pick(EXCLUSIONS) } : {}),
      laidOffListed: laidOff && random.chance(RATES.laidOffListed),
      platform: random.weighted(PLATFORM_WEIGHTS),
      course: random.int(0, COURSES_PER_PLATFORM),
      buys,
      completes,
      reviews,
      rating: Number(random.weighted({ 5: 45, 4: 35, 3: 12, 2: 5, 1: 3 })),
      surveys: survey1 ? (random.chance(RATES.survey2) ? 2 : 1) : 0,
      links,
      payoutPartner: random.weighted(PAYOUT_WEIGHTS),
      bankAccount: `${random.int(1, 10)}${random.digits(11)}`,
      rejectedInFirstRun: links && random.chance(RATES.rejectFirstRun),
    });
  }
  return citizens;
}

/** A few NIKs on the agencies' lists that never register (the lists are national). */
export function strangerNiks(count: number, random: Random): string[] {
  return Array.from({ length: count }, () => randomIdentity({}, random.int).nik);
}

export function profileOf(c: CitizenPlan) {
  return {
    nik: c.identity.nik,
    kk: c.identity.kk,
    birthDate: c.identity.birthDate,
    gender: c.identity.gender,
    provinceCode: c.identity.provinceCode,
    education: c.education,
    workStatus: c.workStatus,
    declarations: { ...NO_DECLARATIONS, ...(c.declares ? { [c.declares]: true } : {}) },
  };
}
